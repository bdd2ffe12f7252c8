<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>HouseholdForm</name>
    <message>
        <location filename="../../ui/household_form.py" line="533" />
        <source>Edit household</source>
        <extracomment>the form is filled (existing household read, draft question answered): tests wait for it the recorded consent of the household's members (by person id), read with the household</extracomment>
        <translation>Sửa thông tin hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="533" />
        <source>New household</source>
        <translation>Thêm hộ mới</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="535" />
        <source>&amp;Village</source>
        <translation>&amp;Thôn/buôn/tổ dân phố</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="536" />
        <source>&amp;Head of household</source>
        <translation>&amp;Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="537" />
        <source>&amp;Address</source>
        <translation>Đị&amp;a chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="538" />
        <source>&amp;Phone</source>
        <translation>Số điện &amp;thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="539" />
        <source>&amp;Smartphones</source>
        <translation>Số điện thoại thông &amp;minh</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="540" />
        <source>Phones that only do calls and SMS (&amp;2G)</source>
        <translation>Điện thoại chỉ nghe gọi, nhắn tin (&amp;2G)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="541" />
        <source>&amp;Internet at home</source>
        <translation>&amp;Internet tại nhà</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="542" />
        <source>N&amp;otes</source>
        <translation>&amp;Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="546" />
        <source>Leave empty to use the member marked as head</source>
        <translation>Để trống để lấy tên thành viên là chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="547" />
        <source>e.g. 0905 123 456</source>
        <translation>ví dụ 0905 123 456</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="548" />
        <source>Members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="551" />
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="552" />
        <source>Relationship</source>
        <translation>Quan hệ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="553" />
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="554" />
        <source>Born</source>
        <translation>Ngày/năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="555" />
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="556" />
        <source>Consent</source>
        <translation>Sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="559" />
        <source>Add &amp;member</source>
        <translation>Thêm thành &amp;viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="560" />
        <source>&amp;Edit member</source>
        <translation>&amp;Sửa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="561" />
        <source>&amp;Remove member</source>
        <translation>&amp;Xóa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="562" />
        <source>Save</source>
        <translation>Lưu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="563" />
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="568" />
        <source>Unknown</source>
        <translation>Chưa rõ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="569" />
        <source>Fibre (cable)</source>
        <translation>Cáp quang</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="570" />
        <source>Mobile data only</source>
        <translation>Chỉ có dữ liệu di động</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="571" />
        <source>None</source>
        <translation>Không có</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="637" />
        <source>Restore draft</source>
        <translation>Khôi phục bản nháp</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="638" />
        <source>This form has changes that were not saved last time. Restore them?</source>
        <translation>Lần trước biểu mẫu này còn thay đổi chưa lưu. Khôi phục lại?</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="724" />
        <source>Basic information: {status}</source>
        <translation>Thông tin cơ bản: {status}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="727" />
        <source>Ethnic group (sensitive): {status}</source>
        <translation>Dân tộc (dữ liệu nhạy cảm): {status}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="767" />
        <source>Remove member</source>
        <translation>Xóa thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="768" />
        <source>Remove {name} from this household?</source>
        <translation>Xóa {name} khỏi hộ này?</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="894" />
        <source>Member {n} ({name}): {message}</source>
        <translation>Thành viên {n} ({name}): {message}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="917" />
        <source>Unsaved changes</source>
        <translation>Thay đổi chưa lưu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="918" />
        <source>Discard the changes to this household?</source>
        <translation>Bỏ các thay đổi của hộ này?</translation>
    </message>
</context>
<context>
    <name>MemberDialog</name>
    <message>
        <location filename="../../ui/household_form.py" line="284" />
        <source>Withdraw consent</source>
        <translation>Rút lại sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="286" />
        <source>{name} withdraws their consent to giving their ethnic group. The ethnic group will be erased when the household is saved. Continue?</source>
        <translation>{name} rút lại sự đồng ý cung cấp thông tin dân tộc. Thông tin dân tộc sẽ bị xoá khi lưu hộ gia đình. Tiếp tục?</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="288" />
        <source>This person</source>
        <translation>Người này</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="311" />
        <source>Household member</source>
        <translation>Thành viên hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="313" />
        <source>Full &amp;name</source>
        <translation>&amp;Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="314" />
        <source>&amp;Relationship</source>
        <translation>&amp;Quan hệ với chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="315" />
        <source>&amp;Sex</source>
        <translation>&amp;Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="316" />
        <source>&amp;Date of birth (dd/mm/yyyy)</source>
        <translation>&amp;Ngày sinh (dd/mm/yyyy)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="317" />
        <source>Birth &amp;year (if the date is unknown)</source>
        <translation>Năm &amp;sinh (nếu không rõ ngày)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="318" />
        <source>&amp;Citizen ID (CCCD)</source>
        <translation>Số &amp;CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="319" />
        <source>&amp;Phone</source>
        <translation>Số điện &amp;thoại</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="320" />
        <source>Main &amp;language</source>
        <translation>Ngôn ngữ &amp;chính</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="321" />
        <source>Needs an &amp;interpreter</source>
        <translation>Cần người &amp;phiên dịch</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="325" />
        <source>Consent</source>
        <translation>Sự đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="327" />
        <source>Basic information: {status}</source>
        <translation>Thông tin cơ bản: {status}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="330" />
        <source>This person agrees to their information being recorded (text {version})</source>
        <translation>Người này đồng ý cho ghi thông tin cá nhân (bản {version})</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="335" />
        <source>Ethnic group (sensitive): {status}</source>
        <translation>Dân tộc (dữ liệu nhạy cảm): {status}</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="339" />
        <source>This person agrees to give their ethnic group (sensitive data)</source>
        <translation>Người này đồng ý cung cấp thông tin dân tộc (dữ liệu nhạy cảm)</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="342" />
        <source>Tell the person: ethnic group is sensitive personal data; giving it is optional and they may withdraw at any time. Ask only if the team needs it.</source>
        <translation>Hãy nói rõ với người dân: dân tộc là dữ liệu cá nhân nhạy cảm; không bắt buộc cung cấp và có thể rút lại sự đồng ý bất cứ lúc nào. Chỉ hỏi khi tổ thật sự cần.</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="346" />
        <source>E&amp;thnic group</source>
        <translation>&amp;Dân tộc</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="348" />
        <location filename="../../ui/household_form.py" line="349" />
        <location filename="../../ui/household_form.py" line="353" />
        <source>Not given</source>
        <translation>Chưa ghi</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="362" />
        <source>dd/mm/yyyy</source>
        <translation>dd/mm/yyyy</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="386" />
        <source>Please enter the full name.</source>
        <translation>Vui lòng nhập họ và tên.</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="393" />
        <source>Write the date as dd/mm/yyyy and the year as 4 digits.</source>
        <translation>Ghi ngày theo dạng dd/mm/yyyy và năm gồm 4 chữ số.</translation>
    </message>
</context>
<context>
    <name>_Labels</name>
    <message>
        <location filename="../../ui/household_form.py" line="125" />
        <source>Head of household</source>
        <extracomment>digital-status fields a member keeps through an edit of this form (visits change them, not this form) a member's consent answers given in this form (never kept in a draft)</extracomment>
        <translation>Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="126" />
        <source>Spouse</source>
        <translation>Vợ/chồng</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="127" />
        <source>Child</source>
        <translation>Con</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="128" />
        <source>Parent</source>
        <translation>Cha/mẹ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="129" />
        <source>Grandchild</source>
        <translation>Cháu</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="130" />
        <source>Sibling</source>
        <translation>Anh/chị/em</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="131" />
        <source>Other</source>
        <translation>Khác</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="135" />
        <source>Not given</source>
        <translation>Chưa ghi</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="135" />
        <source>Male</source>
        <translation>Nam</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="135" />
        <source>Female</source>
        <translation>Nữ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="143" />
        <location filename="../../ui/household_form.py" line="169" />
        <source>not recorded</source>
        <translation>chưa ghi nhận</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="145" />
        <source>spoken</source>
        <translation>bằng lời nói</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="146" />
        <source>signed on paper</source>
        <translation>ký trên giấy</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="147" />
        <source>from an imported file</source>
        <translation>từ tệp nhập</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="151" />
        <source>unknown user</source>
        <translation>người dùng không rõ</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="156" />
        <source>refused or withdrawn on {date}, recorded by {who} (text {version})</source>
        <translation>từ chối hoặc đã rút lại ngày {date}, {who} ghi nhận (nội dung bản {version})</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="158" />
        <source>the household agreed at a visit on {date}, collected by {who} (text {version})</source>
        <translation>hộ gia đình đồng ý khi thăm hộ ngày {date}, {who} ghi nhận (nội dung bản {version})</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="161" />
        <source>agreed on {date} ({method}), collected by {who} (text {version})</source>
        <translation>đã đồng ý ngày {date} ({method}), {who} ghi nhận (nội dung bản {version})</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="168" />
        <source>basic</source>
        <translation>cơ bản</translation>
    </message>
    <message>
        <location filename="../../ui/household_form.py" line="168" />
        <source>ethnic group</source>
        <translation>dân tộc</translation>
    </message>
</context>
</TS>