<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>RecoveryDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="346" />
        <source>Forgot your PIN?</source>
        <translation>Quên mã PIN?</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="350" />
        <source>The commune operator opens the data with the recovery key printed when this laptop was set up, then sets a new PIN for the user (who should be present).</source>
        <translation>Cán bộ xã mở dữ liệu bằng khóa khôi phục đã in khi cài đặt máy này, rồi đặt mã PIN mới cho người dùng (người dùng nên có mặt).</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="360" />
        <source>Open with the recovery key</source>
        <translation>Mở bằng khóa khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="362" />
        <source>Recovery key</source>
        <translation>Khóa khôi phục</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="369" />
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="370" />
        <source>New PIN (6-12 digits)</source>
        <translation>Mã PIN mới (6–12 chữ số)</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="371" />
        <source>New PIN again</source>
        <translation>Nhập lại mã PIN mới</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="422" />
        <source>The two PINs are not the same.</source>
        <translation>Hai lần nhập mã PIN không giống nhau.</translation>
    </message>
</context>
<context>
    <name>SignIn</name>
    <message>
        <location filename="../../ui/sign_in.py" line="448" />
        <source>Encrypting the data on this laptop… Do not turn it off.</source>
        <translation>Đang mã hóa dữ liệu trên máy này… Đừng tắt máy.</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="248" />
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
</context>
<context>
    <name>SignInPanel</name>
    <message>
        <location filename="../../ui/sign_in.py" line="133" />
        <source>&amp;User</source>
        <extracomment>what an unlock attempt runs in the background: (user id, PIN) -&gt; anything (a Database, a key, a user)</extracomment>
        <translation>&amp;Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="134" />
        <source>&amp;PIN</source>
        <translation>&amp;Mã PIN</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="135" />
        <source>Sign in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="136" />
        <source>Forgot your PIN?</source>
        <translation>Quên mã PIN?</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="139" />
        <source>Needs the commune operator to set a new PIN (Users screen): {names}</source>
        <translation>Cần người quản lý đặt lại mã PIN (màn hình Người dùng): {names}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/sign_in.py" line="149" />
        <source>Too many wrong PINs. Try again in %n second(s).</source>
        <translation>
            <numerusform>Đã nhập sai mã PIN nhiều lần. Thử lại sau %n giây.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="164" />
        <source>Type your PIN.</source>
        <translation>Hãy nhập mã PIN.</translation>
    </message>
</context>
</TS>