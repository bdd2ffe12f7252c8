<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="41"/>
        <source>Overview</source>
        <extracomment>(key, module, class) in navigation order</extracomment>
        <translation>Tổng quan</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="42"/>
        <source>Households</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="43"/>
        <source>Training</source>
        <translation>Tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="44"/>
        <source>Online services</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="45"/>
        <source>Certificates</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="46"/>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="47"/>
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="182"/>
        <source>Opening the data…</source>
        <translation>Đang mở dữ liệu…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="184"/>
        <source>DLSO — {commune}</source>
        <translation>DLSO — {commune}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="199"/>
        <source>team member</source>
        <translation>tổ viên</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="200"/>
        <source>team head</source>
        <translation>tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="201"/>
        <source>commune operator</source>
        <translation>cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="203"/>
        <source>Not signed in</source>
        <translation>Chưa đăng nhập</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="205"/>
        <source>Not synced: %Ln change(s)</source>
        <translation>
            <numerusform>Chưa đồng bộ: %Ln thay đổi</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="208"/>
        <source>Last sync error: {error}</source>
        <translation>Lỗi đồng bộ gần nhất: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="215"/>
        <source>Server: reachable</source>
        <translation>Máy chủ: kết nối được</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="217"/>
        <source>Server: unreachable</source>
        <translation>Máy chủ: không kết nối được</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="219"/>
        <source>Server: checking…</source>
        <translation>Máy chủ: đang kiểm tra…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="220"/>
        <source>Server: not enrolled</source>
        <translation>Máy chủ: chưa đăng ký</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="226"/>
        <source>Unsaved changes</source>
        <translation>Thay đổi chưa lưu</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="227"/>
        <source>Some forms have changes that are not saved. They are kept as drafts. Close anyway?</source>
        <translation>Một số biểu mẫu có thay đổi chưa lưu. Các thay đổi được giữ lại dưới dạng bản nháp. Vẫn đóng ứng dụng?</translation>
    </message>
</context>
<context>
    <name>PendingPage</name>
    <message>
        <location filename="../../ui/main_window.py" line="68"/>
        <source>This screen is not available in this version yet.</source>
        <translation>Màn hình này chưa có trong phiên bản này.</translation>
    </message>
</context>
</TS>
