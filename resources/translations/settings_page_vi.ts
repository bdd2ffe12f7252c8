<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../../ui/settings_page.py" line="92" />
        <source>Settings</source>
        <translation>Cài đặt</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="95" />
        <source>Display</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="96" />
        <source>&amp;Language</source>
        <translation>&amp;Ngôn ngữ</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="97" />
        <source>&amp;Text size</source>
        <translation>&amp;Cỡ chữ</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="98" />
        <source>Data</source>
        <translation>Dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="99" />
        <source>All data of this laptop is kept in this folder.</source>
        <translation>Toàn bộ dữ liệu của máy này được lưu trong thư mục này.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="100" />
        <source>Open folder</source>
        <translation>Mở thư mục</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="101" />
        <source>Back up now</source>
        <translation>Sao lưu ngay</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="102" />
        <source>About</source>
        <translation>Thông tin</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="104" />
        <source>DLSO Desktop version {version} · administrative units data: {units}</source>
        <translation>DLSO Desktop phiên bản {version} · dữ liệu đơn vị hành chính: {units}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="141" />
        <source>Back up the data</source>
        <translation>Sao lưu dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="141" />
        <source>SQLite database (*.sqlite)</source>
        <translation>Cơ sở dữ liệu SQLite (*.sqlite)</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="149" />
        <location filename="../../ui/settings_page.py" line="169" />
        <source>Backing up…</source>
        <translation>Đang sao lưu…</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="156" />
        <location filename="../../ui/settings_page.py" line="162" />
        <source>Backup</source>
        <translation>Sao lưu</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="167" />
        <source>A backup is a copy of all data to keep somewhere safe.</source>
        <translation>Bản sao lưu là một bản sao toàn bộ dữ liệu, cất giữ ở nơi an toàn.</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="173" />
        <source>Backup saved: {path}</source>
        <translation>Đã sao lưu vào: {path}</translation>
    </message>
    <message>
        <location filename="../../ui/settings_page.py" line="175" />
        <source>The backup failed: {error}</source>
        <translation>Sao lưu không thành công: {error}</translation>
    </message>
</context>
</TS>