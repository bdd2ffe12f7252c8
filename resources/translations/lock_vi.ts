<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/lock.py" line="126" />
        <source>Locked</source>
        <extracomment>input that counts as "someone is using the laptop"</extracomment>
        <translation>Đã khóa</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="127" />
        <source>The laptop was locked. Type your PIN to continue where you left off.</source>
        <translation>Máy đã được khóa. Nhập mã PIN để tiếp tục công việc đang làm.</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="128" />
        <source>Unlock</source>
        <translation>Mở khóa</translation>
    </message>
    <message>
        <location filename="../../ui/lock.py" line="129" />
        <source>Switch user</source>
        <translation>Đổi người dùng</translation>
    </message>
</context>
</TS>