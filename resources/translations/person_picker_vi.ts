<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>DraftKeeper</name>
    <message>
        <location filename="../../ui/person_picker.py" line="294" />
        <source>An unfinished form was kept from last time.</source>
        <translation>Có một biểu mẫu đang nhập dở từ lần trước.</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="295" />
        <source>Restore it</source>
        <translation>Khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="296" />
        <source>Discard it</source>
        <translation>Bỏ đi</translation>
    </message>
</context>
<context>
    <name>PersonPicker</name>
    <message>
        <location filename="../../ui/person_picker.py" line="151" />
        <source>Type a name (accents optional) or a phone number…</source>
        <translation>Gõ họ tên (không cần dấu) hoặc số điện thoại…</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="152" />
        <source>Choose</source>
        <translation>Chọn</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="153" />
        <source>New walk-in…</source>
        <translation>Thêm người mới…</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="154" />
        <source>New walk-in (not in a household)</source>
        <translation>Người mới (chưa thuộc hộ nào)</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="155" />
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="156" />
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="157" />
        <source>Birth year</source>
        <translation>Năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="158" />
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="159" />
        <source>Add this person</source>
        <translation>Thêm người này</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="162" />
        <source>(not given)</source>
        <translation>(không rõ)</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="163" />
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="164" />
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="200" />
        <source>Nobody found. Use “New walk-in…” to add this person.</source>
        <translation>Không tìm thấy. Bấm “Thêm người mới…” để thêm người này.</translation>
    </message>
    <message>
        <location filename="../../ui/person_picker.py" line="223" />
        <source>Please type the person's full name.</source>
        <translation>Vui lòng nhập họ và tên.</translation>
    </message>
</context>
</TS>