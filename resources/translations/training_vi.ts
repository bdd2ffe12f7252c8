<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>RosterModel</name>
    <message>
        <location filename="../../ui/training.py" line="75"/>
        <source>Passed</source>
        <extracomment>results are a team head&apos;s (the service refuses them to a team member): not editable otherwise</extracomment>
        <translation>Đạt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="77"/>
        <source>Not yet</source>
        <translation>Chưa đạt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="136"/>
        <source>Name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="137"/>
        <source>Present</source>
        <translation>Có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="138"/>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
</context>
<context>
    <name>SessionModel</name>
    <message>
        <location filename="../../ui/training.py" line="50"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="51"/>
        <source>Course</source>
        <translation>Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="52"/>
        <source>Place</source>
        <translation>Địa điểm</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="53"/>
        <source>Attendees</source>
        <translation>Có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="54"/>
        <source>Passed</source>
        <translation>Đạt</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../ui/training.py" line="362"/>
        <source>Training</source>
        <extracomment>the list shows at most this many sessions (the newest); the date filter reaches any older one results and deleting a session are a team head&apos;s (the services refuse them to a team member)</extracomment>
        <translation>Tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="365"/>
        <source>Sessions</source>
        <translation>Buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="366"/>
        <source>Courses</source>
        <translation>Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="517"/>
        <source>Training sessions: the newest {shown} of {total}</source>
        <translation>Các buổi học: {shown} buổi mới nhất trong {total}</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="520"/>
        <source>Only the newest {shown} of {total} sessions are listed: choose dates to see older ones.</source>
        <translation>Chỉ liệt kê {shown} buổi học mới nhất trong tổng số {total}: chọn khoảng ngày để xem các buổi cũ hơn.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="524"/>
        <source>Training sessions</source>
        <translation>Các buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="367"/>
        <location filename="../../ui/training.py" line="599"/>
        <source>New session</source>
        <translation>Buổi học mới</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="368"/>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="369"/>
        <source>&amp;Course</source>
        <translation>&amp;Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="370"/>
        <source>&amp;Date</source>
        <translation>&amp;Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="371"/>
        <source>&amp;Place</source>
        <translation>Đị&amp;a điểm</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="372"/>
        <source>&amp;Trainer</source>
        <translation>Người &amp;hướng dẫn</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="373"/>
        <source>&amp;Village (optional)</source>
        <translation>&amp;Thôn/buôn/tổ dân phố (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="374"/>
        <source>Save session</source>
        <translation>Lưu buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="375"/>
        <location filename="../../ui/training.py" line="688"/>
        <source>Delete session</source>
        <translation>Xóa buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="376"/>
        <source>Mark everyone present</source>
        <translation>Đánh dấu tất cả có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="377"/>
        <source>Remove from roster</source>
        <translation>Xóa khỏi danh sách học viên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="378"/>
        <source>Add a person to the roster:</source>
        <translation>Thêm người vào danh sách học viên:</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="379"/>
        <source>From:</source>
        <translation>Từ ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="380"/>
        <source>To:</source>
        <translation>Đến ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="382"/>
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="437"/>
        <source>Type dates as dd/mm/yyyy, e.g. 05/02/2026.</source>
        <translation>Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/02/2026.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="545"/>
        <source>(none)</source>
        <translation>(không chọn)</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="554"/>
        <source>No course in the catalogue yet.</source>
        <translation>Danh mục chưa có khóa học nào.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="556"/>
        <source>Modules: {modules}</source>
        <translation>Các học phần: {modules}</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="564"/>
        <source>{hours} hours</source>
        <translation>{hours} giờ</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="599"/>
        <source>Edit session</source>
        <translation>Sửa buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="650"/>
        <source>Please choose a course.</source>
        <translation>Vui lòng chọn khóa học.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="671"/>
        <source>Saved.</source>
        <translation>Đã lưu.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="689"/>
        <source>Delete this training session and its roster?</source>
        <translation>Xóa buổi học này cùng danh sách học viên?</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="731"/>
        <source>Roster</source>
        <translation>Danh sách học viên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="731"/>
        <source>Roster — save the session first, then add people</source>
        <translation>Danh sách học viên — hãy lưu buổi học trước, rồi thêm người</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="737"/>
        <source>{present} present · {passed} passed · {total} on the roster</source>
        <translation>{present} có mặt · {passed} đạt · {total} trong danh sách</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="769"/>
        <source>This person is already on the roster.</source>
        <translation>Người này đã có trong danh sách học viên.</translation>
    </message>
</context>
</TS>
