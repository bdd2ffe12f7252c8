<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../../ui/sync_page.py" line="63" />
        <location filename="../../ui/sync_page.py" line="91" />
        <source>Village</source>
        <extracomment>fields an operator may type a new value for (free text, numbers, dates); others: one side or the other</extracomment>
        <translation>Thôn/buôn</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="64" />
        <location filename="../../ui/sync_page.py" line="99" />
        <source>Household</source>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="65" />
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="66" />
        <source>User</source>
        <translation>Người dùng</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="67" />
        <source>Training session</source>
        <translation>Buổi tập huấn</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="68" />
        <source>Visit</source>
        <translation>Lượt thăm</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="69" />
        <source>Visit finding</source>
        <translation>Kết quả thăm</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="70" />
        <source>Visit action</source>
        <translation>Việc đã làm khi thăm</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="71" />
        <source>Consent</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="72" />
        <source>Attendance</source>
        <translation>Điểm danh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="73" />
        <source>Assisted submission</source>
        <translation>Hồ sơ hỗ trợ nộp</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="74" />
        <source>Submission status</source>
        <translation>Trạng thái hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="75" />
        <source>Certificate</source>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="76" />
        <source>Certificate revocation</source>
        <translation>Thu hồi giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="77" />
        <source>Conflict resolution</source>
        <translation>Giải quyết xung đột</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="84" />
        <source>Deleted or kept</source>
        <translation>Xoá hay giữ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="85" />
        <location filename="../../ui/sync_page.py" line="88" />
        <source>Name</source>
        <translation>Tên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="86" />
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="87" />
        <source>Active</source>
        <translation>Đang hoạt động</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="89" />
        <source>Kind</source>
        <translation>Loại</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="90" />
        <source>Merged into</source>
        <translation>Gộp vào</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="92" />
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="93" />
        <source>Head of household</source>
        <translation>Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="94" />
        <source>Phone</source>
        <translation>Số điện thoại</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="95" />
        <source>Smartphones</source>
        <translation>Số điện thoại thông minh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="96" />
        <source>2G-only phones</source>
        <translation>Số điện thoại chỉ 2G</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="97" />
        <source>Internet</source>
        <translation>Internet</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="98" />
        <source>Notes</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="100" />
        <source>Relationship to the head</source>
        <translation>Quan hệ với chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="101" />
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="102" />
        <source>Name order</source>
        <translation>Thứ tự tên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="103" />
        <source>Sort name</source>
        <translation>Tên để sắp xếp</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="104" />
        <source>Sex</source>
        <translation>Giới tính</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="105" />
        <source>Date of birth</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="106" />
        <source>Year of birth</source>
        <translation>Năm sinh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="107" />
        <source>Citizen ID</source>
        <translation>Số CCCD</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="108" />
        <source>Ethnic group</source>
        <translation>Dân tộc</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="109" />
        <source>Main language</source>
        <translation>Ngôn ngữ chính</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="110" />
        <source>Needs an interpreter</source>
        <translation>Cần phiên dịch</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="111" />
        <source>VNeID level</source>
        <translation>Mức VNeID</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="112" />
        <source>Skills confirmed</source>
        <translation>Đã xác nhận kỹ năng</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="113" />
        <source>Smartphone</source>
        <translation>Điện thoại thông minh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="114" />
        <source>Bank account or e-wallet</source>
        <translation>Tài khoản ngân hàng hoặc ví điện tử</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="115" />
        <source>Public-service account</source>
        <translation>Tài khoản dịch vụ công</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="116" />
        <source>Digital signature</source>
        <translation>Chữ ký số</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="117" />
        <source>Đắk Lắk số app</source>
        <translation>Ứng dụng Đắk Lắk số</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="118" />
        <source>Course</source>
        <translation>Khoá học</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="119" />
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="120" />
        <source>Place</source>
        <translation>Địa điểm</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="121" />
        <source>Trainer</source>
        <translation>Người hướng dẫn</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="122" />
        <source>Trainer (user)</source>
        <translation>Người hướng dẫn (người dùng)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="129" />
        <source>male</source>
        <translation>nam</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="130" />
        <source>female</source>
        <translation>nữ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="131" />
        <source>team member</source>
        <translation>tổ viên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="132" />
        <source>team head</source>
        <translation>tổ trưởng</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="133" />
        <source>commune operator</source>
        <translation>cán bộ xã</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="423" />
        <location filename="../../ui/sync_page.py" line="447" />
        <source>Record</source>
        <translation>Bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="423" />
        <source>Field</source>
        <translation>Thông tin</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="423" />
        <source>Server value</source>
        <translation>Giá trị trên máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="423" />
        <source>Incoming value</source>
        <translation>Giá trị mới gửi lên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="429" />
        <source>The change holds characters the server cannot store.</source>
        <translation>Thay đổi chứa ký tự mà máy chủ không lưu được.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="430" />
        <source>This app is newer than the server: the province must update the server.</source>
        <translation>Ứng dụng này mới hơn máy chủ: tỉnh cần cập nhật máy chủ.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="431" />
        <source>The server does not take this kind of record from laptops.</source>
        <translation>Máy chủ không nhận loại bản ghi này từ máy tính.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="432" />
        <source>The record does not belong to this laptop's commune.</source>
        <translation>Bản ghi không thuộc xã của máy này.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="433" />
        <source>The server does not know this record (its creation was refused).</source>
        <translation>Máy chủ không có bản ghi này (việc tạo bản ghi đã bị từ chối).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="434" />
        <source>The record's id is not valid.</source>
        <translation>Mã của bản ghi không hợp lệ.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="435" />
        <source>A value of the change is not valid for the server.</source>
        <translation>Một giá trị trong thay đổi không hợp lệ đối với máy chủ.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="436" />
        <source>Another record with the same id already exists on the server.</source>
        <translation>Máy chủ đã có một bản ghi khác cùng mã.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="437" />
        <source>Only a commune operator can do this (resolve a conflict, erase a person's data).</source>
        <translation>Chỉ cán bộ xã được làm việc này (giải quyết xung đột, xoá dữ liệu của một người).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="439" />
        <source>This person's data was erased by the commune operator on request: this change was dropped.</source>
        <translation>Dữ liệu của người này đã được cán bộ xã xoá theo yêu cầu: thay đổi này bị bỏ.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="441" />
        <source>Someone else already resolved this conflict.</source>
        <translation>Người khác đã giải quyết xung đột này.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="447" />
        <source>Kind of record</source>
        <translation>Loại bản ghi</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="447" />
        <source>Change</source>
        <translation>Thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="447" />
        <source>When</source>
        <translation>Thời điểm</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="447" />
        <source>Reason</source>
        <translation>Lý do</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="452" />
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="508" />
        <source>Enroll this laptop again</source>
        <translation>Đăng ký lại máy này</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="511" />
        <source>The server no longer recognises this laptop (the server was restored from a backup, or this laptop was enrolled again elsewhere). Nothing is lost: every change stays on this laptop and is sent again once it is enrolled. Ask the commune operator for a new one-time enrollment code, type it here, then press Enroll again.</source>
        <translation>Máy chủ không còn nhận ra máy này (máy chủ đã được khôi phục từ bản sao lưu, hoặc máy này đã được đăng ký lại ở nơi khác). Không có gì bị mất: mọi thay đổi vẫn còn trên máy này và sẽ được gửi lại sau khi đăng ký. Hãy xin cán bộ xã một mã đăng ký dùng một lần mới, nhập vào đây rồi bấm Đăng ký lại.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="517" />
        <source>&amp;Enroll again</source>
        <translation>Đăng &amp;ký lại</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="519" />
        <source>Enroll this laptop with the provincial server</source>
        <translation>Đăng ký máy này với máy chủ của tỉnh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="522" />
        <source>Until it is enrolled, this laptop works on its own and keeps every change. Ask the commune operator for the server address and a one-time enrollment code, type them here, then press Enroll.</source>
        <translation>Khi chưa đăng ký, máy này làm việc riêng và giữ lại mọi thay đổi. Hãy xin cán bộ xã địa chỉ máy chủ và mã đăng ký dùng một lần, nhập vào đây rồi bấm Đăng ký.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="462" />
        <source>Server &amp;address</source>
        <translation>&amp;Địa chỉ máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="463" />
        <source>for example https://dlso.daklak.gov.vn</source>
        <translation>ví dụ https://dlso.daklak.gov.vn</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="464" />
        <source>One-time &amp;code</source>
        <translation>&amp;Mã dùng một lần</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="465" />
        <source>the code from the commune operator</source>
        <translation>mã do cán bộ xã cấp</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="527" />
        <source>&amp;Enroll</source>
        <translation>Đăng &amp;ký</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="466" />
        <source>Read the code from a &amp;QR image…</source>
        <translation>Đọc mã từ ảnh &amp;QR…</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="467" />
        <source>Contacting the server…</source>
        <translation>Đang liên hệ máy chủ…</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="468" />
        <source>Provincial server</source>
        <translation>Máy chủ của tỉnh</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="469" />
        <source>Server:</source>
        <translation>Máy chủ:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="470" />
        <source>Commune:</source>
        <translation>Xã/phường:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="471" />
        <source>Last sync:</source>
        <translation>Đồng bộ lần cuối:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="472" />
        <source>Not synced yet:</source>
        <translation>Chưa đồng bộ:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="473" />
        <source>&amp;Sync now</source>
        <translation>Đồng bộ &amp;ngay</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="475" />
        <source>Send this laptop's changes to the server and receive the changes of the other laptops.</source>
        <translation>Gửi các thay đổi của máy này lên máy chủ và nhận các thay đổi của những máy khác.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="477" />
        <source>On the server</source>
        <translation>Trên máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="478" />
        <source>Incoming change</source>
        <translation>Thay đổi mới gửi lên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="479" />
        <source>Or a &amp;new value:</source>
        <translation>Hoặc &amp;giá trị mới:</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="480" />
        <source>Use this value</source>
        <translation>Dùng giá trị này</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="483" />
        <source>The server refused these changes; they are kept here with its reason. Correct the record and save it again, or ask the commune operator.</source>
        <translation>Máy chủ đã từ chối các thay đổi này; chúng được giữ lại đây cùng lý do. Hãy sửa bản ghi rồi lưu lại, hoặc hỏi cán bộ xã.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="594" />
        <source>Could not reach the server. Check the server address and the network connection, then try again.</source>
        <translation>Không kết nối được máy chủ. Hãy kiểm tra địa chỉ máy chủ và kết nối mạng rồi thử lại.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="598" />
        <source>Could not reach the server. Check the network connection and the server address; the changes stay on this laptop and are sent at the next sync.</source>
        <translation>Không kết nối được máy chủ. Hãy kiểm tra kết nối mạng và địa chỉ máy chủ; các thay đổi vẫn được giữ trên máy này và sẽ được gửi ở lần đồng bộ sau.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="601" />
        <source>Something went wrong: {error}</source>
        <translation>Đã có lỗi: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="612" />
        <source>Type the server address as the commune operator gave it, starting with https://</source>
        <translation>Hãy nhập địa chỉ máy chủ đúng như cán bộ xã đưa, bắt đầu bằng https://</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="615" />
        <source>Type the one-time code (at least 4 characters).</source>
        <translation>Hãy nhập mã dùng một lần (ít nhất 4 ký tự).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="628" />
        <source>QR image of the enrollment code</source>
        <translation>Ảnh QR của mã đăng ký</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="628" />
        <source>Images (*.png *.jpg *.jpeg *.bmp)</source>
        <translation>Ảnh (*.png *.jpg *.jpeg *.bmp)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="665" />
        <source>No enrollment code was found in that image. Try a sharper photo, or type the code.</source>
        <translation>Không tìm thấy mã đăng ký trong ảnh này. Hãy chụp ảnh rõ hơn, hoặc gõ mã.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="720" />
        <source>Result: sent {applied} change(s) · {duplicate} already on the server · {conflict} conflict(s) · {rejected} refused; received {pulled} record(s).</source>
        <translation>Kết quả: đã gửi {applied} thay đổi · {duplicate} đã có trên máy chủ · {conflict} xung đột · {rejected} bị từ chối; đã nhận {pulled} bản ghi.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="724" />
        <source>The server asked for a full download; it is done.</source>
        <translation>Máy chủ yêu cầu tải lại toàn bộ; việc này đã xong.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="726" />
        <source>The commune's data came as one file (first sync).</source>
        <translation>Dữ liệu của xã được tải về một lần dưới dạng một tệp (lần đồng bộ đầu tiên).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="729" />
        <source>Some changes wait: they edit records the server lost in its restore that another laptop has not sent again yet. They are sent again at the next sync.</source>
        <translation>Một số thay đổi đang chờ: chúng sửa các bản ghi mà máy chủ bị mất khi khôi phục và một máy khác chưa gửi lại. Chúng sẽ được gửi lại ở lần đồng bộ sau.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="746" />
        <source>Sending changes: {done} of {total}</source>
        <translation>Đang gửi thay đổi: {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="749" />
        <source>Receiving changes: {done}</source>
        <translation>Đang nhận thay đổi: {done}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="755" />
        <source>Downloading the commune's data: {done} of {total} MB</source>
        <translation>Đang tải dữ liệu của xã: {done} / {total} MB</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="758" />
        <source>Downloading the commune's data: {done} MB</source>
        <translation>Đang tải dữ liệu của xã: {done} MB</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="762" />
        <source>Connecting to the server…</source>
        <translation>Đang kết nối máy chủ…</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="766" />
        <source>never</source>
        <translation>chưa lần nào</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="771" />
        <source>{n} change(s)</source>
        <translation>{n} thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="777" />
        <source>{n} hours</source>
        <translation>{n} giờ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="779" />
        <source>{n} minutes</source>
        <translation>{n} phút</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="782" />
        <source>This laptop's clock is about {amount} ahead of the server's. Please set the laptop's date and time; times recorded here may be wrong (a clock never decides which change wins).</source>
        <translation>Đồng hồ của máy này chạy nhanh hơn máy chủ khoảng {amount}. Hãy chỉnh lại ngày giờ của máy; thời gian ghi trên máy này có thể bị sai (đồng hồ không bao giờ quyết định thay đổi nào được giữ).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="787" />
        <source>This laptop's clock is about {amount} behind the server's. Please set the laptop's date and time; times recorded here may be wrong (a clock never decides which change wins).</source>
        <translation>Đồng hồ của máy này chạy chậm hơn máy chủ khoảng {amount}. Hãy chỉnh lại ngày giờ của máy; thời gian ghi trên máy này có thể bị sai (đồng hồ không bao giờ quyết định thay đổi nào được giữ).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="794" />
        <source>The last sync failed: {error}</source>
        <translation>Lần đồng bộ gần nhất không thành công: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="802" />
        <source>No sync yet since the app started.</source>
        <translation>Chưa đồng bộ lần nào từ khi mở ứng dụng.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="814" />
        <source>an unknown user</source>
        <translation>một người dùng chưa rõ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="816" />
        <source>this laptop</source>
        <translation>máy này</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="818" />
        <source>device {id}</source>
        <translation>máy {id}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="820" />
        <source>the office</source>
        <translation>văn phòng</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="821" />
        <source>By {who} on {device}, {when}</source>
        <translation>Do {who} sửa trên {device}, lúc {when}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="825" />
        <source>(empty)</source>
        <translation>(trống)</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="827" />
        <source>Yes</source>
        <translation>Có</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="827" />
        <source>No</source>
        <translation>Không</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="848" />
        <source>Deleted</source>
        <translation>Đã xoá</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="848" />
        <source>Kept</source>
        <translation>Còn giữ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="853" />
        <source>Edited meanwhile: {changes}</source>
        <translation>Đã được sửa trong lúc đó: {changes}</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="882" />
        <source>added</source>
        <translation>thêm mới</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="883" />
        <source>changed</source>
        <translation>sửa</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="884" />
        <source>deleted</source>
        <translation>xoá</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="885" />
        <source>conflict resolved</source>
        <translation>giải quyết xung đột</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="902" />
        <source>Conflicts ({n})</source>
        <translation>Xung đột ({n})</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="903" />
        <source>Refused changes ({n})</source>
        <translation>Thay đổi bị từ chối ({n})</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="905" />
        <source>No conflicts: every change merged with the others.</source>
        <translation>Không có xung đột: mọi thay đổi đã được gộp với nhau.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="908" />
        <source>The same field was changed in two places. Choose the value to keep, or type a new one; the decision is sent with the next sync and reaches every laptop.</source>
        <translation>Cùng một thông tin đã bị sửa ở hai nơi. Hãy chọn giá trị cần giữ hoặc nhập giá trị mới; quyết định được gửi ở lần đồng bộ sau và đến mọi máy.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="913" />
        <source>The same field was changed in two places. Only a commune operator can decide; you can see the conflicts here.</source>
        <translation>Cùng một thông tin đã bị sửa ở hai nơi. Chỉ cán bộ xã mới quyết định được; bạn có thể xem các xung đột ở đây.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="951" />
        <source>Keep deleted</source>
        <translation>Giữ việc xoá</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="952" />
        <source>Restore with the change</source>
        <translation>Khôi phục kèm thay đổi</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="954" />
        <source>Keep the server value</source>
        <translation>Giữ giá trị trên máy chủ</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="955" />
        <source>Keep the incoming value</source>
        <translation>Giữ giá trị mới gửi lên</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="961" />
        <location filename="../../ui/sync_page.py" line="1044" />
        <source>Decision saved: it is sent with the next sync.</source>
        <translation>Đã lưu quyết định: sẽ được gửi ở lần đồng bộ sau.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="998" />
        <source>Type a value (this field cannot be empty).</source>
        <translation>Hãy nhập một giá trị (thông tin này không được để trống).</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="1003" />
        <source>Type a whole number.</source>
        <translation>Hãy nhập một số nguyên.</translation>
    </message>
    <message>
        <location filename="../../ui/sync_page.py" line="1008" />
        <source>Type a date as dd/mm/yyyy.</source>
        <translation>Hãy nhập ngày theo dạng dd/mm/yyyy.</translation>
    </message>
</context>
</TS>