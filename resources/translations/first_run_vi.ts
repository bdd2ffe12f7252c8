<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>CommunePicker</name>
    <message>
        <location filename="../../ui/first_run.py" line="21" />
        <source>Choose the commune/ward</source>
        <translation>Chọn xã/phường</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="25" />
        <source>Which commune or ward does this laptop serve? Type to filter (accents optional).</source>
        <translation>Máy này phục vụ xã/phường nào? Gõ tên để lọc (không dấu cũng được).</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="29" />
        <source>For example: buon ma thuot, ea kar, 24133</source>
        <translation>Ví dụ: buon ma thuot, ea kar, 24133</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <location filename="../../ui/first_run.py" line="196" />
        <source>Demo data</source>
        <translation>Dữ liệu mẫu</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="197" />
        <source>Load 300 demo households to try the app? (Only for practice: do not use on a real laptop.)</source>
        <translation>Nạp 300 hộ mẫu để dùng thử ứng dụng? (Chỉ để tập luyện: không dùng trên máy làm việc thật.)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="208" />
        <source>Loading demo data…</source>
        <translation>Đang nạp dữ liệu mẫu…</translation>
    </message>
</context>
<context>
    <name>FirstUserDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="64" />
        <source>First user</source>
        <translation>Người dùng đầu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="69" />
        <source>Commune operator</source>
        <translation>Cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="70" />
        <source>Team head</source>
        <translation>Tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="71" />
        <source>Team member</source>
        <translation>Tổ viên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="78" />
        <source>Your name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="79" />
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="80" />
        <source>PIN (4-12 digits)</source>
        <translation>Mã PIN (4-12 chữ số)</translation>
    </message>
</context>
<context>
    <name>VillagesDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="97" />
        <source>Villages of the commune</source>
        <translation>Thôn, buôn, tổ dân phố của xã</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="99" />
        <source>Add the villages (thôn, buôn, tổ dân phố) your team works in.</source>
        <translation>Thêm các thôn, buôn, tổ dân phố mà tổ của bạn phụ trách.</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="104" />
        <source>Name, e.g. Buôn Ko Tam</source>
        <translation>Tên, ví dụ: Buôn Ko Tam</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="107" />
        <source>Village (thôn)</source>
        <translation>Thôn</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="108" />
        <source>Ethnic-minority village (buôn)</source>
        <translation>Buôn</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="109" />
        <source>Residential group (tổ dân phố)</source>
        <translation>Tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="112" />
        <source>&amp;Add</source>
        <translation>&amp;Thêm</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="118" />
        <source>&amp;Rename…</source>
        <translation>Đổi &amp;tên…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="119" />
        <source>&amp;Merge into…</source>
        <translation>&amp;Gộp vào…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="169" />
        <source>Rename</source>
        <translation>Đổi tên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="169" />
        <source>New name</source>
        <translation>Tên mới</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="185" />
        <source>Merge</source>
        <translation>Gộp</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="185" />
        <source>Merge into</source>
        <translation>Gộp vào</translation>
    </message>
</context>
</TS>