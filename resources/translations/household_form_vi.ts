<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>HouseholdForm</name>
    <message>
        <location filename="../../ui/household_form.py" line="366" />
        <source>Edit household</source>
        <extracomment>the form is filled (existing household read, draft question answered): tests wait for it</extracomment>
        <translation>Sửa thông tin hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="366" />
        <source>New household</source>
        <translation>Thêm hộ mới</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="368" />
        <source>&amp;Village</source>
        <translation>&amp;Thôn/buôn/tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="369" />
        <source>&amp;Head of household</source>
        <translation>&amp;Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="370" />
        <source>&amp;Address</source>
        <translation>Đị&amp;a chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="371" />
        <source>&amp;Phone</source>
        <translation>Số điện &amp;thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="372" />
        <source>&amp;Smartphones</source>
        <translation>Số điện thoại thông &amp;minh</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="373" />
        <source>Phones that only do calls and SMS (&amp;2G)</source>
        <translation>Điện thoại chỉ nghe gọi, nhắn tin (&amp;2G)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="374" />
        <source>&amp;Internet at home</source>
        <translation>&amp;Internet tại nhà</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="375" />
        <source>N&amp;otes</source>
        <translation>&amp;Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="379" />
        <source>Leave empty to use the member marked as head</source>
        <translation>Để trống để lấy tên thành viên là chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="380" />
        <source>e.g. 0905 123 456</source>
        <translation>ví dụ 0905 123 456</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="381" />
        <source>Members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="383" />
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="383" />
        <source>Relationship</source>
        <translation>Quan hệ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="383" />
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="383" />
        <source>Born</source>
        <translation>Ngày/năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="383" />
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="385" />
        <source>Add &amp;member</source>
        <translation>Thêm thành &amp;viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="386" />
        <source>&amp;Edit member</source>
        <translation>&amp;Sửa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="387" />
        <source>&amp;Remove member</source>
        <translation>&amp;Xóa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="388" />
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="389" />
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="394" />
        <source>Unknown</source>
        <translation>Chưa rõ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="395" />
        <source>Fibre (cable)</source>
        <translation>Cáp quang</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="396" />
        <source>Mobile data only</source>
        <translation>Chỉ có dữ liệu di động</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="397" />
        <source>None</source>
        <translation>Không có</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="468" />
        <source>Restore draft</source>
        <translation>Khôi phục bản nháp</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="469" />
        <source>This form has changes that were not saved last time. Restore them?</source>
        <translation>Lần trước biểu mẫu này còn thay đổi chưa lưu. Khôi phục lại?</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="580" />
        <source>Remove member</source>
        <translation>Xóa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="581" />
        <source>Remove {name} from this household?</source>
        <translation>Xóa {name} khỏi hộ này?</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="728" />
        <source>Member {n} ({name}): {message}</source>
        <translation>Thành viên {n} ({name}): {message}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="751" />
        <source>Unsaved changes</source>
        <translation>Thay đổi chưa lưu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="752" />
        <source>Discard the changes to this household?</source>
        <translation>Bỏ các thay đổi của hộ này?</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../ui/household_form.py" line="171" />
        <source>Household member</source>
        <translation>Thành viên hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="173" />
        <source>Full &amp;name</source>
        <translation>&amp;Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="174" />
        <source>&amp;Relationship</source>
        <translation>&amp;Quan hệ với chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="175" />
        <source>&amp;Sex</source>
        <translation>&amp;Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="176" />
        <source>&amp;Date of birth (dd/mm/yyyy)</source>
        <translation>&amp;Ngày sinh (dd/mm/yyyy)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="177" />
        <source>Birth &amp;year (if the date is unknown)</source>
        <translation>Năm &amp;sinh (nếu không rõ ngày)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="178" />
        <source>&amp;Citizen ID (CCCD)</source>
        <translation>Số &amp;CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="179" />
        <source>&amp;Phone</source>
        <translation>Số điện &amp;thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="180" />
        <source>Main &amp;language</source>
        <translation>Ngôn ngữ &amp;chính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="181" />
        <source>Needs an &amp;interpreter</source>
        <translation>Cần người &amp;phiên dịch</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="186" />
        <location filename="../../ui/household_form.py" line="190" />
        <source>Not given</source>
        <translation>Chưa ghi</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="199" />
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="220" />
        <source>Please enter the full name.</source>
        <translation>Vui lòng nhập họ và tên.</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="227" />
        <source>Write the date as dd/mm/yyyy and the year as 4 digits.</source>
        <translation>Ghi ngày theo dạng dd/mm/yyyy và năm gồm 4 chữ số.</translation>
    </message>
</context>
<context>
    <name>_Labels</name>
    <message>
        <location filename="../../ui/household_form.py" line="97" />
        <source>Head of household</source>
        <extracomment>digital-status fields a member keeps through an edit of this form (visits change them, not this form)</extracomment>
        <translation>Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="98" />
        <source>Spouse</source>
        <translation>Vợ/chồng</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="99" />
        <source>Child</source>
        <translation>Con</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="100" />
        <source>Parent</source>
        <translation>Cha/mẹ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="101" />
        <source>Grandchild</source>
        <translation>Cháu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="102" />
        <source>Sibling</source>
        <translation>Anh/chị/em</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="103" />
        <source>Other</source>
        <translation>Khác</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="107" />
        <source>Not given</source>
        <translation>Chưa ghi</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="107" />
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="107" />
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
</context>
</TS>