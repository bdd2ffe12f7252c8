<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/settings_page.py" line="114" />
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="117" />
        <source>Display</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="118" />
        <source>&amp;Language</source>
        <translation>&amp;Ngôn ngữ</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="119" />
        <source>&amp;Text size</source>
        <translation>&amp;Cỡ chữ</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="120" />
        <source>Loc&amp;k after inactivity</source>
        <translation>&amp;Tự khóa khi không dùng</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/settings_page.py" line="122" />
        <source>%n minute(s)</source>
        <translation>
            <numerusform>%n phút</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="124" />
        <source>Without keyboard or mouse input for this long, the window locks and asks for the PIN again.</source>
        <translation>Khi không có thao tác bàn phím hay chuột trong khoảng thời gian này, cửa sổ tự khóa và hỏi lại mã PIN.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="126" />
        <source>Data</source>
        <translation>Dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="127" />
        <source>All data of this laptop is kept in this folder.</source>
        <translation>Toàn bộ dữ liệu của máy này được lưu trong thư mục này.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="128" />
        <source>Open folder</source>
        <translation>Mở thư mục</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="129" />
        <source>Change folder…</source>
        <translation>Đổi thư mục…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="131" />
        <source>Copy all data to another folder (for example a bigger drive) and use it from the next start.</source>
        <translation>Sao chép toàn bộ dữ liệu sang thư mục khác (ví dụ một ổ đĩa lớn hơn) và dùng thư mục đó từ lần khởi động sau.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="134" />
        <source>Back up now</source>
        <translation>Sao lưu ngay</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="135" />
        <source>About</source>
        <translation>Thông tin</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="137" />
        <source>DLSO Desktop version {version} · administrative units data: {units}</source>
        <translation>DLSO Desktop phiên bản {version} · dữ liệu đơn vị hành chính: {units}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="186" />
        <source>Choose the new data folder</source>
        <translation>Chọn thư mục dữ liệu mới</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="200" />
        <source>Copying the data to {path}…</source>
        <translation>Đang sao chép dữ liệu sang {path}…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="213" />
        <location filename="../../ui/settings_page.py" line="220" />
        <source>Data folder</source>
        <translation>Thư mục dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="229" />
        <source>The data was copied to {path}. DLSO Desktop will use this folder from the next start; until you restart it keeps working in {current}.</source>
        <translation>Dữ liệu đã được sao chép sang {path}. DLSO Desktop sẽ dùng thư mục này từ lần khởi động sau; cho đến khi khởi động lại, ứng dụng vẫn làm việc trong {current}.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="234" />
        <source>Note: DLSO_DATA_DIR is set on this computer and takes priority over this choice.</source>
        <translation>Lưu ý: máy này đang đặt biến DLSO_DATA_DIR, biến này được ưu tiên hơn lựa chọn này.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="238" />
        <source>The data could not be copied: {error}. Nothing was changed.</source>
        <translation>Không sao chép được dữ liệu: {error}. Không có gì thay đổi.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="242" />
        <source>{path} is already the data folder. Nothing was changed.</source>
        <translation>{path} đã là thư mục dữ liệu. Không có gì thay đổi.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="243" />
        <source>{path} is not a folder. Nothing was changed.</source>
        <translation>{path} không phải là thư mục. Không có gì thay đổi.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="245" />
        <source>The app cannot write to {path}. Nothing was changed: choose a folder you can write to.</source>
        <translation>Ứng dụng không ghi được vào {path}. Không có gì thay đổi: hãy chọn thư mục có quyền ghi.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="248" />
        <source>{path} already holds another DLSO database (of another laptop or commune), or a file that is not one. Nothing was changed: choose an empty folder.</source>
        <translation>{path} đã chứa một cơ sở dữ liệu DLSO khác (của máy khác hoặc xã khác), hoặc một tệp không phải cơ sở dữ liệu DLSO. Không có gì thay đổi: hãy chọn một thư mục trống.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="251" />
        <source>The data could not be copied to {path}. Nothing was changed.</source>
        <translation>Không sao chép được dữ liệu sang {path}. Không có gì thay đổi.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="267" />
        <source>Back up the data</source>
        <translation>Sao lưu dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="267" />
        <source>SQLite database (*.sqlite)</source>
        <translation>Cơ sở dữ liệu SQLite (*.sqlite)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="275" />
        <location filename="../../ui/settings_page.py" line="300" />
        <source>Backing up…</source>
        <translation>Đang sao lưu…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="287" />
        <location filename="../../ui/settings_page.py" line="293" />
        <source>Backup</source>
        <translation>Sao lưu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="298" />
        <source>A backup is a copy of all data to keep somewhere safe.</source>
        <translation>Bản sao lưu là một bản sao toàn bộ dữ liệu, cất giữ ở nơi an toàn.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="304" />
        <source>Backup saved: {path}</source>
        <translation>Đã sao lưu vào: {path}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="306" />
        <source>The backup failed: {error}</source>
        <translation>Sao lưu không thành công: {error}</translation>
    </message>
</context>
</TS>