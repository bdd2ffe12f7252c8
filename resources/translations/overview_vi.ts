<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>OverviewPage</name>
    <message>
        <location filename="../../ui/overview.py" line="37" />
        <source>Overview</source>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="41" />
        <source>Find a person or household: name (accents optional), phone, last 4 digits of the ID…</source>
        <translation>Tìm người hoặc hộ: họ tên (không dấu cũng được), số điện thoại, 4 số cuối CCCD…</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="55" />
        <source>Counting records…</source>
        <translation>Đang đếm dữ liệu…</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="60" />
        <source>{h} households · {p} persons · {v} visits · {s} training sessions · {a} assisted submissions</source>
        <translation>{h} hộ · {p} nhân khẩu · {v} lượt thăm hộ · {s} buổi tập huấn · {a} hồ sơ được hỗ trợ nộp</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="86" />
        <source>Person</source>
        <translation>Nhân khẩu</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="86" />
        <source>Household</source>
        <translation>Hộ</translation>
    </message>
    <message>
        <location filename="../../ui/overview.py" line="89" />
        <source>Nothing found.</source>
        <translation>Không tìm thấy kết quả nào.</translation>
    </message>
</context>
</TS>