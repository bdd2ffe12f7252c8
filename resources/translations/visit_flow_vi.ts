<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>VisitFlow</name>
    <message>
        <location filename="../../ui/visit_flow.py" line="293" />
        <source>Record a visit</source>
        <translation>Ghi nhận lượt thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="294" />
        <source>&amp;Back</source>
        <translation>&amp;Quay lại</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="295" />
        <source>&amp;Next</source>
        <translation>&amp;Tiếp</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="296" />
        <source>&amp;Save</source>
        <translation>&amp;Lưu</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="297" />
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="298" />
        <source>Earlier &amp;visits…</source>
        <translation>&amp;Xem các lần thăm trước…</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="299" />
        <source>Your unsaved answers from last time were restored.</source>
        <translation>Đã khôi phục các thông tin nhập dở lần trước (chưa lưu).</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="301" />
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="302" />
        <source>VNeID</source>
        <translation>VNeID</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="303" />
        <source>Skills confirmed</source>
        <translation>Đã xác nhận kỹ năng số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="304" />
        <source>Smartphone</source>
        <translation>Điện thoại thông minh</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="305" />
        <source>Bank / e-wallet</source>
        <translation>Ngân hàng / ví điện tử</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="306" />
        <source>Public-service account</source>
        <translation>Tài khoản dịch vụ công</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="307" />
        <source>Digital signature</source>
        <translation>Chữ ký số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="308" />
        <source>Đắk Lắk số app</source>
        <translation>Ứng dụng Đắk Lắk số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="312" />
        <source>None</source>
        <translation>Chưa có</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="312" />
        <source>Level 1</source>
        <translation>Mức 1</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="312" />
        <source>Level 2</source>
        <translation>Mức 2</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="312" />
        <source>Not asked</source>
        <translation>Chưa hỏi</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="315" />
        <source>A box with a square means not asked yet: it is saved as unknown, never as no. Click or Space: yes / no; Delete: back to not asked.</source>
        <translation>Ô có dấu vuông nghĩa là chưa hỏi: được lưu là chưa biết, không bao giờ lưu là không. Bấm chuột hoặc phím cách: có / không; phím Delete: trở lại chưa hỏi.</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="319" />
        <source>Click or Space: yes / no. Delete: not asked (unknown).</source>
        <translation>Bấm chuột hoặc phím cách: có / không. Phím Delete: chưa hỏi (chưa biết).</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="323" />
        <source>VNeID of {name}</source>
        <translation>VNeID của {name}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="332" />
        <source>N&amp;otes (optional)</source>
        <translation>&amp;Ghi chú (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="334" />
        <source>Consent text version: {version}</source>
        <translation>Phiên bản nội dung đồng ý: {version}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="335" />
        <source>The household agrees, as read out above</source>
        <translation>Hộ gia đình đồng ý với nội dung đã đọc ở trên</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="341" />
        <source>The community digital technology team records what this visit found about your household's use of digital services (VNeID, Đắk Lắk số, bank accounts, online public services) and what help you need. The information is used only to support you and to report figures to the commune and the province; it is not shared for any other purpose. You may refuse, and you may ask the team to correct or delete it at any time.</source>
        <translation>Tổ công nghệ số cộng đồng ghi lại kết quả lượt thăm này về việc gia đình sử dụng các dịch vụ số (VNeID, Đắk Lắk số, tài khoản ngân hàng, dịch vụ công trực tuyến) và những hỗ trợ gia đình cần. Thông tin chỉ dùng để hỗ trợ gia đình và để báo cáo số liệu cho xã, phường và tỉnh; không dùng vào mục đích khác. Gia đình có quyền không đồng ý, và có thể đề nghị tổ sửa hoặc xóa thông tin bất cứ lúc nào.</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="350" />
        <source>Loading the household…</source>
        <translation>Đang tải thông tin hộ…</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="354" />
        <source>Head of household: {name}</source>
        <translation>Chủ hộ: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="355" />
        <source>Address: {address}</source>
        <translation>Địa chỉ: {address}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="358" />
        <source>Last visit: {date}</source>
        <translation>Lần thăm gần nhất: {date}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="359" />
        <source>Members ({n}):</source>
        <translation>Thành viên ({n}):</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="456" />
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="457" />
        <source>Digital status of each member</source>
        <translation>Tình trạng số của từng thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="458" />
        <source>Done during this visit</source>
        <translation>Việc đã làm trong lượt thăm</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="459" />
        <source>Follow-up needs</source>
        <translation>Nhu cầu cần hỗ trợ tiếp</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="460" />
        <source>Consent</source>
        <translation>Sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="463" />
        <source>Step {n} of {total}: {title}</source>
        <translation>Bước {n}/{total}: {title}</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="574" />
        <source>The visit could not be saved: {error}</source>
        <translation>Chưa lưu được lượt thăm: {error}</translation>
    </message>
</context>
<context>
    <name>VisitHistory</name>
    <message>
        <location filename="../../ui/visit_flow.py" line="637" />
        <source>Earlier visits</source>
        <translation>Các lần thăm trước</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="638" />
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="640" />
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="640" />
        <source>Visitor</source>
        <translation>Người thăm</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="640" />
        <source>Found</source>
        <translation>Tình trạng ghi nhận</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="640" />
        <source>Done</source>
        <translation>Việc đã làm</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="640" />
        <source>Follow-up</source>
        <translation>Cần hỗ trợ tiếp</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="650" />
        <source>no VNeID</source>
        <translation>chưa có VNeID</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="650" />
        <source>VNeID level 1</source>
        <translation>VNeID mức 1</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="650" />
        <source>VNeID level 2</source>
        <translation>VNeID mức 2</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="652" />
        <source>skills confirmed</source>
        <translation>đã xác nhận kỹ năng số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="653" />
        <source>smartphone</source>
        <translation>điện thoại thông minh</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="654" />
        <source>bank / e-wallet</source>
        <translation>ngân hàng / ví điện tử</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="655" />
        <source>public-service account</source>
        <translation>tài khoản dịch vụ công</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="656" />
        <source>digital signature</source>
        <translation>chữ ký số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="657" />
        <source>Đắk Lắk số</source>
        <translation>Đắk Lắk số</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="669" />
        <source>Loading…</source>
        <translation>Đang tải…</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="671" />
        <source>No visits recorded yet.</source>
        <translation>Chưa có lượt thăm nào.</translation>
    </message>
    <message>
        <location filename="../../ui/visit_flow.py" line="679" />
        <source>Notes: {notes}</source>
        <translation>Ghi chú: {notes}</translation>
    </message>
</context>
</TS>