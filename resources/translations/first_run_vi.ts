<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>CommunePicker</name>
    <message>
        <location filename="../../ui/first_run.py" line="20"/>
        <source>Choose the commune/ward</source>
        <translation>Chọn xã/phường</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="24"/>
        <source>Which commune or ward does this laptop serve? Type to filter (accents optional).</source>
        <translation>Máy này phục vụ xã/phường nào? Gõ tên để lọc (không dấu cũng được).</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="28"/>
        <source>For example: buon ma thuot, ea kar, 24133</source>
        <translation>Ví dụ: buon ma thuot, ea kar, 24133</translation>
    </message>
</context>
<context>
    <name>FirstUserDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="63"/>
        <source>First user</source>
        <translation>Người dùng đầu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="68"/>
        <source>Commune operator</source>
        <translation>Cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="69"/>
        <source>Team head</source>
        <translation>Tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="70"/>
        <source>Team member</source>
        <translation>Tổ viên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="77"/>
        <source>Your name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="78"/>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="79"/>
        <source>PIN (4-12 digits)</source>
        <translation>Mã PIN (4-12 chữ số)</translation>
    </message>
</context>
</TS>
