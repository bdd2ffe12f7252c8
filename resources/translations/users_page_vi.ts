<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>AddUserDialog</name>
    <message>
        <location filename="../../ui/users_page.py" line="77" />
        <source>Add a user</source>
        <translation>Thêm người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="84" />
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="85" />
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="86" />
        <source>PIN (6-12 digits)</source>
        <translation>Mã PIN (6–12 chữ số)</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="87" />
        <source>PIN again</source>
        <translation>Nhập lại mã PIN</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <location filename="../../ui/users_page.py" line="54" />
        <source>The two PINs are not the same.</source>
        <translation>Hai lần nhập mã PIN không giống nhau.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="68" />
        <source>Current PIN</source>
        <translation>Mã PIN hiện tại</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="69" />
        <source>New PIN (6-12 digits)</source>
        <translation>Mã PIN mới (6–12 chữ số)</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="70" />
        <source>New PIN again</source>
        <translation>Nhập lại mã PIN mới</translation>
    </message>
</context>
<context>
    <name>UsersPage</name>
    <message>
        <location filename="../../ui/users_page.py" line="95" />
        <source>Team member</source>
        <translation>Thành viên tổ</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="96" />
        <source>Team head</source>
        <translation>Tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="97" />
        <source>Commune operator</source>
        <translation>Cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="148" />
        <source>Users</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="154" />
        <source>Who may use this laptop. A user whose PIN does not open the data yet (after the laptop was encrypted) needs a new PIN: select them, then "Set a new PIN" with the user present.</source>
        <translation>Những người được dùng máy này. Người dùng mà mã PIN chưa mở được dữ liệu (sau khi máy được mã hóa) cần mã PIN mới: chọn người đó rồi bấm "Đặt mã PIN mới" khi người đó có mặt.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="159" />
        <source>You can change your own PIN here.</source>
        <translation>Bạn có thể đổi mã PIN của mình tại đây.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="161" />
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="161" />
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="161" />
        <source>Active</source>
        <translation>Đang hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="161" />
        <source>PIN opens the data</source>
        <translation>Mã PIN mở được dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="163" />
        <source>&amp;Add a user…</source>
        <translation>&amp;Thêm người dùng…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="164" />
        <source>Change &amp;role…</source>
        <translation>Đổi &amp;vai trò…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="165" />
        <source>Set a new &amp;PIN…</source>
        <translation>Đặt mã &amp;PIN mới…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="166" />
        <source>Remo&amp;ve…</source>
        <translation>&amp;Xoá…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="167" />
        <source>Change &amp;my PIN…</source>
        <translation>Đổi mã PIN của tô&amp;i…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="195" />
        <source>(not encrypted)</source>
        <translation>(chưa mã hóa)</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="197" />
        <location filename="../../ui/users_page.py" line="202" />
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="199" />
        <source>No: needs a new PIN</source>
        <translation>Chưa: cần đặt lại mã PIN</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="201" />
        <location filename="../../ui/users_page.py" line="202" />
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="233" />
        <source>Re&amp;activate</source>
        <translation>&amp;Kích hoạt lại</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="233" />
        <source>Deac&amp;tivate…</source>
        <translation>&amp;Khóa người dùng…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="241" />
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="261" />
        <source>User added.</source>
        <translation>Đã thêm người dùng.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="265" />
        <source>Role changed.</source>
        <translation>Đã đổi vai trò.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="269" />
        <source>New PIN set.</source>
        <translation>Đã đặt mã PIN mới.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="273" />
        <source>User reactivated.</source>
        <translation>Đã kích hoạt lại người dùng.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="273" />
        <source>User deactivated.</source>
        <translation>Đã khóa người dùng.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="278" />
        <source>User removed.</source>
        <translation>Đã xoá người dùng.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="290" />
        <source>Your PIN was changed.</source>
        <translation>Đã đổi mã PIN của bạn.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="306" />
        <source>Change role</source>
        <translation>Đổi vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="316" />
        <source>New PIN for {name}</source>
        <translation>Mã PIN mới cho {name}</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="327" />
        <source>Deactivate</source>
        <translation>Khóa người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="328" />
        <source>Deactivate {name}? Their PIN will no longer open the data on this laptop.</source>
        <translation>Khóa người dùng {name}? Mã PIN của họ sẽ không mở được dữ liệu trên máy này nữa.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="342" />
        <source>Remove</source>
        <translation>Xoá</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="343" />
        <source>Remove {name} from this laptop? Their PIN will no longer open the data.</source>
        <translation>Xoá {name} khỏi máy này? Mã PIN của họ sẽ không mở được dữ liệu nữa.</translation>
    </message>
    <message>
        <location filename="../../ui/users_page.py" line="351" />
        <source>Change my PIN</source>
        <translation>Đổi mã PIN của tôi</translation>
    </message>
</context>
</TS>