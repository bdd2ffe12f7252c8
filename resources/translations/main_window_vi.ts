<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="62" />
        <source>Overview</source>
        <extracomment>(key, module, class) in navigation order pages shown only to this role and above (``Role`` values); the services refuse the rest anyway</extracomment>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="63" />
        <source>Households</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="64" />
        <source>Training</source>
        <translation>Tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="65" />
        <source>Online services</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="66" />
        <source>Certificates</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="67" />
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="68" />
        <source>Users</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="69" />
        <source>Audit trail</source>
        <translation>Nhật ký hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="70" />
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="328" />
        <source>Some forms have changes that are not saved. They are kept as drafts. Sign out anyway?</source>
        <translation>Một số biểu mẫu có thay đổi chưa lưu. Chúng được giữ làm bản nháp. Vẫn đăng xuất?</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="416" />
        <source>Opening the data…</source>
        <translation>Đang mở dữ liệu…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="418" />
        <source>DLSO — locked</source>
        <translation>DLSO — đã khóa</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="420" />
        <source>DLSO — {commune}</source>
        <translation>DLSO — {commune}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="425" />
        <source>Lock (Ctrl+L)</source>
        <translation>Khóa máy (Ctrl+L)</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="426" />
        <source>Hide everything until the PIN is typed again.</source>
        <translation>Ẩn mọi thứ cho đến khi nhập lại mã PIN.</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="427" />
        <source>Sign out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="438" />
        <source>team member</source>
        <translation>tổ viên</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="439" />
        <source>team head</source>
        <translation>tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="440" />
        <source>commune operator</source>
        <translation>cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="442" />
        <source>Not signed in</source>
        <translation>Chưa đăng nhập</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="444" />
        <source>Not synced: %Ln change(s)</source>
        <translation>
            <numerusform>Chưa đồng bộ: %Ln thay đổi</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="447" />
        <source>Last sync error: {error}</source>
        <translation>Lỗi đồng bộ gần nhất: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="454" />
        <source>Server: reachable</source>
        <translation>Máy chủ: kết nối được</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="456" />
        <source>Server: unreachable</source>
        <translation>Máy chủ: không kết nối được</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="458" />
        <source>Server: checking…</source>
        <translation>Máy chủ: đang kiểm tra…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="459" />
        <source>Server: not enrolled</source>
        <translation>Máy chủ: chưa đăng ký</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="327" />
        <location filename="../../ui/main_window.py" line="465" />
        <source>Unsaved changes</source>
        <extracomment>the user signed out ("Đăng xuất", "Đổi người dùng"): the database is closed, the pages are gone</extracomment>
        <translation>Thay đổi chưa lưu</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="466" />
        <source>Some forms have changes that are not saved. They are kept as drafts. Close anyway?</source>
        <translation>Một số biểu mẫu có thay đổi chưa lưu. Các thay đổi được giữ lại dưới dạng bản nháp. Vẫn đóng ứng dụng?</translation>
    </message>
</context>
<context>
    <name>PendingPage</name>
    <message>
        <location filename="../../ui/main_window.py" line="91" />
        <source>This screen is not available in this version yet.</source>
        <translation>Màn hình này chưa có trong phiên bản này.</translation>
    </message>
</context>
</TS>