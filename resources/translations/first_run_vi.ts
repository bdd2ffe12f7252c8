<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>CommunePicker</name>
    <message>
        <location filename="../../ui/first_run.py" line="23" />
        <source>Choose the commune/ward</source>
        <translation>Chọn xã/phường</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="27" />
        <source>Which commune or ward does this laptop serve? Type to filter (accents optional).</source>
        <translation>Máy này phục vụ xã/phường nào? Gõ tên để lọc (không dấu cũng được).</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="31" />
        <source>For example: buon ma thuot, ea kar, 24133</source>
        <translation>Ví dụ: buon ma thuot, ea kar, 24133</translation>
    </message>
</context>
<context>
    <name>FirstRun</name>
    <message>
        <location filename="../../ui/first_run.py" line="319" />
        <source>Demo data</source>
        <translation>Dữ liệu mẫu</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="320" />
        <source>Load 300 demo households to try the app? (Only for practice: do not use on a real laptop.)</source>
        <translation>Nạp 300 hộ mẫu để dùng thử ứng dụng? (Chỉ để tập luyện: không dùng trên máy làm việc thật.)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="331" />
        <source>Loading demo data…</source>
        <translation>Đang nạp dữ liệu mẫu…</translation>
    </message>
</context>
<context>
    <name>FirstUserDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="67" />
        <source>First user</source>
        <translation>Người dùng đầu tiên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="71" />
        <source>The first user of this laptop is the commune operator, who adds the team members later (Users screen). The PIN unlocks the encrypted data: choose one that others cannot guess.</source>
        <translation>Người dùng đầu tiên của máy này là cán bộ xã, người sẽ thêm các thành viên tổ sau (màn hình Người dùng). Mã PIN mở khóa dữ liệu đã mã hóa: hãy chọn mã người khác không đoán được.</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="78" />
        <source>Commune operator</source>
        <translation>Cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="87" />
        <source>PIN (6-12 digits)</source>
        <translation>Mã PIN (6–12 chữ số)</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="85" />
        <source>Your name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="86" />
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="112" />
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="116" />
        <source>This recovery key opens the data if every PIN is forgotten. It is shown only now: write it down or print it, and keep it locked away at the commune office (not with the laptop).</source>
        <translation>Khóa khôi phục này mở được dữ liệu khi mọi mã PIN đều bị quên. Khóa chỉ hiện lần này: hãy ghi lại hoặc in ra và cất giữ cẩn thận tại trụ sở xã (không để cùng máy tính).</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="134" />
        <source>&amp;Print</source>
        <translation>&amp;In</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="140" />
        <source>I have written down or printed the recovery key</source>
        <translation>Tôi đã ghi/in khóa khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="164" />
        <source>DLSO: recovery key of the laptop database</source>
        <translation>DLSO: khóa khôi phục cơ sở dữ liệu của máy tính</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="169" />
        <source>Keep this sheet locked away at the commune office, never with the laptop.</source>
        <translation>Cất giữ tờ này cẩn thận tại trụ sở xã, không bao giờ để cùng máy tính.</translation>
    </message>
</context>
<context>
    <name>VillagesDialog</name>
    <message>
        <location filename="../../ui/first_run.py" line="219" />
        <source>Villages of the commune</source>
        <translation>Thôn, buôn, tổ dân phố của xã</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="221" />
        <source>Add the villages (thôn, buôn, tổ dân phố) your team works in.</source>
        <translation>Thêm các thôn, buôn, tổ dân phố mà tổ của bạn phụ trách.</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="226" />
        <source>Name, e.g. Buôn Ko Tam</source>
        <translation>Tên, ví dụ: Buôn Ko Tam</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="229" />
        <source>Village (thôn)</source>
        <translation>Thôn</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="230" />
        <source>Ethnic-minority village (buôn)</source>
        <translation>Buôn</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="231" />
        <source>Residential group (tổ dân phố)</source>
        <translation>Tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="234" />
        <source>&amp;Add</source>
        <translation>&amp;Thêm</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="240" />
        <source>&amp;Rename…</source>
        <translation>Đổi &amp;tên…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="241" />
        <source>&amp;Merge into…</source>
        <translation>&amp;Gộp vào…</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="292" />
        <source>Rename</source>
        <translation>Đổi tên</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="292" />
        <source>New name</source>
        <translation>Tên mới</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="308" />
        <source>Merge</source>
        <translation>Gộp</translation>
    </message>
    <message>
        <location filename="../../ui/first_run.py" line="308" />
        <source>Merge into</source>
        <translation>Gộp vào</translation>
    </message>
</context>
</TS>