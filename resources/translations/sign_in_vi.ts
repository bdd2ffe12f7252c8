<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="14" />
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="25" />
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="26" />
        <source>PIN</source>
        <translation>Mã PIN</translation>
    </message>
</context>
</TS>