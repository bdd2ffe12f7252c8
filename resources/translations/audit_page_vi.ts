<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>AuditModel</name>
    <message>
        <location filename="../../ui/audit_page.py" line="275"/>
        <source>No.</source>
        <extracomment>a page arrived (GUI thread) called with the error when a page cannot be read</extracomment>
        <translation>Số</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="276"/>
        <source>Time</source>
        <translation>Thời gian</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="277"/>
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="278"/>
        <source>Action</source>
        <translation>Thao tác</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="279"/>
        <source>Kind of record</source>
        <translation>Loại bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="280"/>
        <source>Record id</source>
        <translation>Mã bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="281"/>
        <source>Details</source>
        <translation>Nội dung</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="292"/>
        <source>(the app itself)</source>
        <translation>(phần mềm tự thực hiện)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="316"/>
        <source>Hash: {hash}</source>
        <translation>Mã băm: {hash}</translation>
    </message>
</context>
<context>
    <name>AuditPage</name>
    <message>
        <location filename="../../ui/audit_page.py" line="45"/>
        <source>Created</source>
        <extracomment>rows read at once, and how many pages of them are kept (the rest are read again when scrolled back to) a pause after typing before the list is read again (milliseconds)</extracomment>
        <translation>Tạo mới</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="46"/>
        <source>Changed</source>
        <translation>Sửa</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="47"/>
        <source>Deleted</source>
        <translation>Xoá</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="48"/>
        <source>Corrected</source>
        <translation>Đính chính</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="49"/>
        <source>Imported</source>
        <translation>Nhập từ tệp</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="50"/>
        <source>Revoked</source>
        <translation>Thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="51"/>
        <source>Conflict resolved</source>
        <translation>Giải quyết xung đột</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="52"/>
        <source>Trail exported</source>
        <translation>Xuất nhật ký</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="53"/>
        <source>Erased</source>
        <translation>Xoá dữ liệu cá nhân</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="54"/>
        <source>Consent withdrawn</source>
        <translation>Rút lại đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="55"/>
        <source>Merged</source>
        <translation>Gộp</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="62"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="63"/>
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="64"/>
        <source>Village</source>
        <translation>Thôn/buôn/tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="65"/>
        <source>Visit</source>
        <translation>Lần thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="66"/>
        <source>Visit finding</source>
        <translation>Kết quả khảo sát</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="67"/>
        <source>Visit support</source>
        <translation>Hỗ trợ khi thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="68"/>
        <source>Consent</source>
        <translation>Sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="69"/>
        <source>Training session</source>
        <translation>Buổi tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="70"/>
        <source>Attendance</source>
        <translation>Điểm danh</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="71"/>
        <source>Online service</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="72"/>
        <source>Service status</source>
        <translation>Trạng thái hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="73"/>
        <source>Certificate</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="74"/>
        <source>Certificate revocation</source>
        <translation>Thu hồi giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="75"/>
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="76"/>
        <source>Sync conflict</source>
        <translation>Xung đột đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="77"/>
        <location filename="../../ui/audit_page.py" line="478"/>
        <source>Audit trail</source>
        <extracomment>the list was counted and shown again (GUI thread) a verification finished (GUI thread) an export finished, well or not (GUI thread)</extracomment>
        <translation>Nhật ký hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="88"/>
        <source>digital status updated by a visit</source>
        <translation>cập nhật tình trạng số qua lần thăm hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="91"/>
        <source>moved by a village merge</source>
        <translation>chuyển sang thôn khác do gộp thôn</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="94"/>
        <source>head of household renamed</source>
        <translation>đổi tên chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="97"/>
        <source>removed from the household</source>
        <translation>rời khỏi hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="100"/>
        <source>the whole household was deleted</source>
        <translation>xoá cả hộ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="103"/>
        <source>ethnic group removed: consent withdrawn</source>
        <translation>xoá dân tộc: đã rút lại sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="112"/>
        <source>the person asked</source>
        <translation>người dân yêu cầu</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="113"/>
        <source>data entered by mistake</source>
        <translation>nhập nhầm dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="114"/>
        <source>other reason</source>
        <translation>lý do khác</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="145"/>
        <source>erasure ({reason})</source>
        <translation>xoá dữ liệu cá nhân ({reason})</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="121"/>
        <source>basic information</source>
        <translation>thông tin cơ bản</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="122"/>
        <source>ethnic group</source>
        <translation>dân tộc</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="125"/>
        <source>agreed</source>
        <translation>đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="126"/>
        <source>did not agree</source>
        <translation>không đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="127"/>
        <source>withdrawn</source>
        <translation>rút lại sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="149"/>
        <source>the person’s data was erased</source>
        <translation>dữ liệu của người này đã bị xoá</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="135"/>
        <source>PIN</source>
        <translation>mã PIN</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="136"/>
        <source>Erased on</source>
        <translation>Ngày xoá</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="137"/>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="138"/>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="139"/>
        <source>QR code</source>
        <translation>Mã QR</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="140"/>
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="490"/>
        <source>Who did what to which record, and when. Entries can be neither changed nor deleted; the integrity check shows whether anyone edited the data file outside the app.</source>
        <translation>Ai đã làm gì với bản ghi nào, vào lúc nào. Các mục nhật ký không thể sửa hay xoá; việc kiểm tra tính toàn vẹn cho biết tệp dữ liệu có bị ai sửa ngoài phần mềm hay không.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="494"/>
        <source>Find in the details or a record id…</source>
        <translation>Tìm trong nội dung hoặc mã bản ghi…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="495"/>
        <source>From</source>
        <translation>Từ</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="496"/>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="498"/>
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="500"/>
        <source>Check integrity</source>
        <translation>Kiểm tra tính toàn vẹn</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="502"/>
        <source>Check every entry&apos;s hash chain, and that the trail still holds what the server received</source>
        <translation>Kiểm tra chuỗi mã băm của mọi mục, và nhật ký vẫn còn nguyên những gì máy chủ đã nhận</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="504"/>
        <source>Export…</source>
        <translation>Xuất…</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="505"/>
        <source>Save the whole trail as CSV (Excel) or JSON Lines</source>
        <translation>Lưu toàn bộ nhật ký thành tệp CSV (Excel) hoặc JSON Lines</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="528"/>
        <source>All users</source>
        <translation>Mọi người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="529"/>
        <source>All actions</source>
        <translation>Mọi thao tác</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="530"/>
        <source>All kinds of record</source>
        <translation>Mọi loại bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="550"/>
        <source>&apos;{text}&apos; is not a date: write it as dd/mm/yyyy.</source>
        <translation>&apos;{text}&apos; không phải là ngày: hãy viết theo dạng ngày/tháng/năm.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="590"/>
        <source>%n entries</source>
        <translation>
            <numerusform>%n mục</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="600"/>
        <source>Checking the audit trail… %v of %m entries</source>
        <translation>Đang kiểm tra nhật ký… %v / %m mục</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="630"/>
        <source>✔ The audit trail is intact: %n entries checked, none changed or removed.</source>
        <translation>
            <numerusform>✔ Nhật ký nguyên vẹn: đã kiểm tra %n mục, không có mục nào bị sửa hay xoá.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="632"/>
        <source>It holds every entry the server received, up to entry {seq}.</source>
        <translation>Nhật ký còn nguyên mọi mục máy chủ đã nhận, đến mục {seq}.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="636"/>
        <source>It has not been sent to the server yet.</source>
        <translation>Nhật ký chưa được gửi lên máy chủ.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="639"/>
        <source>an entry was changed</source>
        <translation>có mục đã bị sửa</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="640"/>
        <source>entries were deleted or are missing</source>
        <translation>có mục bị xoá hoặc bị mất</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="641"/>
        <source>entries were moved</source>
        <translation>thứ tự các mục bị thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="645"/>
        <source>✘ THE AUDIT TRAIL WAS TAMPERED WITH at entry {seq}: {reason}. The data file on this laptop may have been edited outside the app. Do not delete anything; tell the province&apos;s officer at once.</source>
        <translation>✘ NHẬT KÝ ĐÃ BỊ CAN THIỆP tại mục {seq}: {reason}. Tệp dữ liệu trên máy này có thể đã bị sửa ngoài phần mềm. Đừng xoá gì cả; hãy báo ngay cho cán bộ phụ trách của tỉnh.</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="671"/>
        <source>CSV for Excel (*.csv)</source>
        <translation>CSV cho Excel (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="671"/>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="675"/>
        <source>Export the audit trail</source>
        <translation>Xuất nhật ký hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="690"/>
        <source>Exporting the audit trail…</source>
        <translation>Đang xuất nhật ký hoạt động…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/audit_page.py" line="702"/>
        <source>%n entries exported to {path}.</source>
        <translation>
            <numerusform>Đã xuất %n mục vào {path}.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/audit_page.py" line="729"/>
        <source>The audit trail could not be read: {error}</source>
        <translation>Không đọc được nhật ký hoạt động: {error}</translation>
    </message>
</context>
</TS>
