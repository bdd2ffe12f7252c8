<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../ui/audit_page.py" line="129" />
        <source>No.</source>
        <extracomment>a page arrived (GUI thread) called with the error when a page cannot be read</extracomment>
        <translation>Số</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="130" />
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="131" />
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="132" />
        <source>Action</source>
        <translation>Thao tác</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="133" />
        <source>Kind of record</source>
        <translation>Loại bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="134" />
        <source>Record id</source>
        <translation>Mã bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="135" />
        <source>Details</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="146" />
        <source>(the app itself)</source>
        <translation>(phần mềm tự thực hiện)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="170" />
        <source>Hash: {hash}</source>
        <translation>Mã băm: {hash}</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/audit_page.py" line="38" />
        <source>Created</source>
        <extracomment>rows read at once, and how many pages of them are kept (the rest are read again when scrolled back to) a pause after typing before the list is read again (milliseconds)</extracomment>
        <translation>Tạo mới</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="39" />
        <source>Changed</source>
        <translation>Sửa</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="40" />
        <source>Deleted</source>
        <translation>Xoá</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="41" />
        <source>Corrected</source>
        <translation>Đính chính</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="42" />
        <source>Imported</source>
        <translation>Nhập từ tệp</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="43" />
        <source>Revoked</source>
        <translation>Thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="44" />
        <source>Conflict resolved</source>
        <translation>Giải quyết xung đột</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="45" />
        <source>Trail exported</source>
        <translation>Xuất nhật ký</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="46" />
        <source>Erased</source>
        <translation>Xoá dữ liệu cá nhân</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="47" />
        <source>Consent withdrawn</source>
        <translation>Rút lại đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="54" />
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="55" />
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="56" />
        <source>Village</source>
        <translation>Thôn/buôn/tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="57" />
        <source>Visit</source>
        <translation>Lần thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="58" />
        <source>Visit finding</source>
        <translation>Kết quả khảo sát</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="59" />
        <source>Visit support</source>
        <translation>Hỗ trợ khi thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="60" />
        <source>Consent</source>
        <translation>Sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="61" />
        <source>Training session</source>
        <translation>Buổi tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="62" />
        <source>Attendance</source>
        <translation>Điểm danh</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="63" />
        <source>Online service</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="64" />
        <source>Service status</source>
        <translation>Trạng thái hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="65" />
        <source>Certificate</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="66" />
        <source>Certificate revocation</source>
        <translation>Thu hồi giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="67" />
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="68" />
        <source>Sync conflict</source>
        <translation>Xung đột đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="69" />
        <location filename="../../ui/audit_page.py" line="332" />
        <source>Audit trail</source>
        <extracomment>the list was counted and shown again (GUI thread) a verification finished (GUI thread) an export finished, well or not (GUI thread)</extracomment>
        <translation>Nhật ký hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="344" />
        <source>Who did what to which record, and when. Entries can be neither changed nor deleted; the integrity check shows whether anyone edited the data file outside the app.</source>
        <translation>Ai đã làm gì với bản ghi nào, vào lúc nào. Các mục nhật ký không thể sửa hay xoá; việc kiểm tra tính toàn vẹn cho biết tệp dữ liệu có bị ai sửa ngoài phần mềm hay không.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="348" />
        <source>Find in the details or a record id…</source>
        <translation>Tìm trong nội dung hoặc mã bản ghi…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="349" />
        <source>From</source>
        <translation>Từ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="350" />
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="352" />
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="354" />
        <source>Check integrity</source>
        <translation>Kiểm tra tính toàn vẹn</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="356" />
        <source>Check every entry's hash chain, and that the trail still holds what the server received</source>
        <translation>Kiểm tra chuỗi mã băm của mọi mục, và nhật ký vẫn còn nguyên những gì máy chủ đã nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="358" />
        <source>Export…</source>
        <translation>Xuất…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="359" />
        <source>Save the whole trail as CSV (Excel) or JSON Lines</source>
        <translation>Lưu toàn bộ nhật ký thành tệp CSV (Excel) hoặc JSON Lines</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="382" />
        <source>All users</source>
        <translation>Mọi người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="383" />
        <source>All actions</source>
        <translation>Mọi thao tác</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="384" />
        <source>All kinds of record</source>
        <translation>Mọi loại bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="404" />
        <source>'{text}' is not a date: write it as dd/mm/yyyy.</source>
        <translation>'{text}' không phải là ngày: hãy viết theo dạng ngày/tháng/năm.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="443" />
        <source>%n entries</source>
        <translation>
            <numerusform>%n mục</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="453" />
        <source>Checking the audit trail… %v of %m entries</source>
        <translation>Đang kiểm tra nhật ký… %v / %m mục</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="483" />
        <source>✔ The audit trail is intact: %n entries checked, none changed or removed.</source>
        <translation>
            <numerusform>✔ Nhật ký nguyên vẹn: đã kiểm tra %n mục, không có mục nào bị sửa hay xoá.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="485" />
        <source>It holds every entry the server received, up to entry {seq}.</source>
        <translation>Nhật ký còn nguyên mọi mục máy chủ đã nhận, đến mục {seq}.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="489" />
        <source>It has not been sent to the server yet.</source>
        <translation>Nhật ký chưa được gửi lên máy chủ.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="492" />
        <source>an entry was changed</source>
        <translation>có mục đã bị sửa</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="493" />
        <source>entries were deleted or are missing</source>
        <translation>có mục bị xoá hoặc bị mất</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="494" />
        <source>entries were moved</source>
        <translation>thứ tự các mục bị thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="498" />
        <source>✘ THE AUDIT TRAIL WAS TAMPERED WITH at entry {seq}: {reason}. The data file on this laptop may have been edited outside the app. Do not delete anything; tell the province's officer at once.</source>
        <translation>✘ NHẬT KÝ ĐÃ BỊ CAN THIỆP tại mục {seq}: {reason}. Tệp dữ liệu trên máy này có thể đã bị sửa ngoài phần mềm. Đừng xoá gì cả; hãy báo ngay cho cán bộ phụ trách của tỉnh.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="524" />
        <source>CSV for Excel (*.csv)</source>
        <translation>CSV cho Excel (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="524" />
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="528" />
        <source>Export the audit trail</source>
        <translation>Xuất nhật ký hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="543" />
        <source>Exporting the audit trail…</source>
        <translation>Đang xuất nhật ký hoạt động…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="555" />
        <source>%n entries exported to {path}.</source>
        <translation>
            <numerusform>Đã xuất %n mục vào {path}.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="582" />
        <source>The audit trail could not be read: {error}</source>
        <translation>Không đọc được nhật ký hoạt động: {error}</translation>
    </message>
</context>
</TS>