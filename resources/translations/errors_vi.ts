<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/errors.py" line="42"/>
        <source>Something went wrong</source>
        <translation>Đã xảy ra lỗi</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="43"/>
        <source>DLSO met an unexpected problem. Your saved work is safe.</source>
        <translation>DLSO gặp một sự cố ngoài dự kiến. Dữ liệu đã lưu của bạn vẫn an toàn.</translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="47"/>
        <source>Copy details</source>
        <translation>Sao chép chi tiết</translation>
    </message>
</context>
</TS>
