<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>RosterModel</name>
    <message>
        <location filename="../../ui/training.py" line="94"/>
        <source>Passed</source>
        <translation>Đạt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="96"/>
        <source>Not yet</source>
        <translation>Chưa đạt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="153"/>
        <source>Name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="154"/>
        <source>Present</source>
        <translation>Có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="155"/>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
</context>
<context>
    <name>SessionModel</name>
    <message>
        <location filename="../../ui/training.py" line="57"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="58"/>
        <source>Course</source>
        <translation>Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="59"/>
        <source>Place</source>
        <translation>Địa điểm</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="60"/>
        <source>Attendees</source>
        <translation>Có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="61"/>
        <source>Passed</source>
        <translation>Đạt</translation>
    </message>
</context>
<context>
    <name>TrainingPage</name>
    <message>
        <location filename="../../ui/training.py" line="345"/>
        <source>Training</source>
        <translation>Tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="348"/>
        <source>Sessions</source>
        <translation>Buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="349"/>
        <source>Courses</source>
        <translation>Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="350"/>
        <source>Training sessions</source>
        <translation>Các buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="351"/>
        <location filename="../../ui/training.py" line="499"/>
        <source>New session</source>
        <translation>Buổi học mới</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="352"/>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="353"/>
        <source>&amp;Course</source>
        <translation>&amp;Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="354"/>
        <source>&amp;Date</source>
        <translation>&amp;Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="355"/>
        <source>&amp;Place</source>
        <translation>Đị&amp;a điểm</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="356"/>
        <source>&amp;Trainer</source>
        <translation>Người &amp;hướng dẫn</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="357"/>
        <source>&amp;Village (optional)</source>
        <translation>&amp;Thôn/buôn/tổ dân phố (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="358"/>
        <source>Save session</source>
        <translation>Lưu buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="359"/>
        <location filename="../../ui/training.py" line="588"/>
        <source>Delete session</source>
        <translation>Xóa buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="360"/>
        <source>Mark everyone present</source>
        <translation>Đánh dấu tất cả có mặt</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="361"/>
        <source>Remove from roster</source>
        <translation>Xóa khỏi danh sách học viên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="362"/>
        <source>Add a person to the roster:</source>
        <translation>Thêm người vào danh sách học viên:</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="445"/>
        <source>(none)</source>
        <translation>(không chọn)</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="454"/>
        <source>No course in the catalogue yet.</source>
        <translation>Danh mục chưa có khóa học nào.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="456"/>
        <source>Modules: {modules}</source>
        <translation>Các học phần: {modules}</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="464"/>
        <source>{hours} hours</source>
        <translation>{hours} giờ</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="499"/>
        <source>Edit session</source>
        <translation>Sửa buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="550"/>
        <source>Please choose a course.</source>
        <translation>Vui lòng chọn khóa học.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="571"/>
        <source>Saved.</source>
        <translation>Đã lưu.</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="589"/>
        <source>Delete this training session and its roster?</source>
        <translation>Xóa buổi học này cùng danh sách học viên?</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="631"/>
        <source>Roster</source>
        <translation>Danh sách học viên</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="631"/>
        <source>Roster — save the session first, then add people</source>
        <translation>Danh sách học viên — hãy lưu buổi học trước, rồi thêm người</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="637"/>
        <source>{present} present · {passed} passed · {total} on the roster</source>
        <translation>{present} có mặt · {passed} đạt · {total} trong danh sách</translation>
    </message>
    <message>
        <location filename="../../ui/training.py" line="669"/>
        <source>This person is already on the roster.</source>
        <translation>Người này đã có trong danh sách học viên.</translation>
    </message>
</context>
</TS>
