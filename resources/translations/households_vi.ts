<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>HouseholdsModel</name>
    <message>
        <location filename="../../ui/households.py" line="44" />
        <source>Head of household</source>
        <translation>Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="45" />
        <source>Village</source>
        <translation>Thôn/buôn</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="46" />
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="47" />
        <source>Members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="48" />
        <source>Last visit</source>
        <translation>Lần thăm gần nhất</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <location filename="../../ui/households.py" line="150" />
        <source>Households</source>
        <extracomment>emitted (GUI thread) when a new list of ids is shown</extracomment>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="153" />
        <source>Find a household: head's name (accents optional), address…</source>
        <translation>Tìm hộ: tên chủ hộ (gõ không dấu cũng được), địa chỉ…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="154" />
        <source>Not visited yet</source>
        <translation>Chưa đến thăm</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="155" />
        <source>New household</source>
        <translation>Thêm hộ mới</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="156" />
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="157" />
        <source>Record visit</source>
        <translation>Ghi lượt thăm</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="159" />
        <source>Visits are not available in this version yet.</source>
        <translation>Phiên bản này chưa có chức năng ghi lượt thăm.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="212" />
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n hộ</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="225" />
        <source>All villages</source>
        <translation>Tất cả thôn/buôn</translation>
    </message>
</context>
</TS>