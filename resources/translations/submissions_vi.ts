<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>SubmissionModel</name>
    <message>
        <location filename="../../ui/submissions.py" line="100"/>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="101"/>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="102"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="103"/>
        <source>Portal</source>
        <translation>Cổng dịch vụ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="104"/>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="105"/>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="106"/>
        <source>Full online</source>
        <translation>Toàn trình</translation>
    </message>
</context>
<context>
    <name>SubmissionsPage</name>
    <message>
        <location filename="../../ui/submissions.py" line="26"/>
        <source>Prepared</source>
        <translation>Đã chuẩn bị</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="27"/>
        <source>Submitted</source>
        <translation>Đã nộp</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="28"/>
        <source>Received</source>
        <translation>Đã tiếp nhận</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="29"/>
        <source>Processing</source>
        <translation>Đang xử lý</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="30"/>
        <source>Completed</source>
        <translation>Đã hoàn thành</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="31"/>
        <source>Rejected</source>
        <translation>Bị từ chối</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="303"/>
        <source>Online public services</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="318"/>
        <source>Record an assisted submission</source>
        <translation>Ghi nhận hồ sơ đã hỗ trợ nộp</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="319"/>
        <source>P&amp;rocedure</source>
        <translation>Thủ tụ&amp;c</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="320"/>
        <source>Type to filter the procedures…</source>
        <translation>Gõ để lọc thủ tục (không cần dấu)…</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="321"/>
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="322"/>
        <source>Po&amp;rtal</source>
        <translation>Cổ&amp;ng dịch vụ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="323"/>
        <source>Dossier &amp;code</source>
        <translation>&amp;Mã hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="324"/>
        <source>&amp;Status</source>
        <translation>&amp;Trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="325"/>
        <source>Full online (toàn trình)</source>
        <translation>Thủ tục toàn trình</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="327"/>
        <source>The whole procedure is done online: nothing is handed in on paper at the office.</source>
        <translation>Toàn bộ thủ tục được thực hiện trực tuyến: không phải nộp giấy tờ tại cơ quan.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="329"/>
        <source>Fee paid online</source>
        <translation>Đã nộp phí trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="330"/>
        <source>&amp;Minutes spent</source>
        <translation>Số &amp;phút hỗ trợ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="331"/>
        <source>&amp;Date</source>
        <translation>&amp;Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="332"/>
        <source>&amp;Notes</source>
        <translation>&amp;Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="333"/>
        <source>Save submission</source>
        <translation>Lưu hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="334"/>
        <source>Clear</source>
        <translation>Nhập mới</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="335"/>
        <source>Assisted submissions</source>
        <translation>Hồ sơ đã hỗ trợ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="336"/>
        <source>Status:</source>
        <translation>Trạng thái:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="337"/>
        <source>From:</source>
        <translation>Từ ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="338"/>
        <source>To:</source>
        <translation>Đến ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="340"/>
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="342"/>
        <source>New status:</source>
        <translation>Trạng thái mới:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="343"/>
        <source>Note (optional)</source>
        <translation>Ghi chú (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="344"/>
        <source>Update status</source>
        <translation>Cập nhật trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="361"/>
        <source>All</source>
        <translation>Tất cả</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="466"/>
        <source>This procedure cannot be done fully online (toàn trình).</source>
        <translation>Thủ tục này không thực hiện toàn trình được.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="477"/>
        <source>Chosen: {name}</source>
        <translation>Đã chọn: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="479"/>
        <source>Nobody chosen yet: find the person below or add a walk-in.</source>
        <translation>Chưa chọn người: tìm ở ô dưới hoặc thêm người mới.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="515"/>
        <source>Please choose the procedure.</source>
        <translation>Vui lòng chọn thủ tục.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="518"/>
        <source>Please choose the person (or add a walk-in).</source>
        <translation>Vui lòng chọn người dân (hoặc thêm người mới).</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="532"/>
        <source>Saved: {procedure} for {name}.</source>
        <translation>Đã lưu: {procedure} cho {name}.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="549"/>
        <source>Type dates as dd/mm/yyyy, e.g. 05/02/2026.</source>
        <translation>Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/02/2026.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="584"/>
        <source>Submissions shown: {n}</source>
        <translation>Số hồ sơ đang hiển thị: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="610"/>
        <source>A status can only move forward: {current} is already further along.</source>
        <translation>Trạng thái chỉ được chuyển tiếp: hồ sơ đã ở trạng thái «{current}».</translation>
    </message>
</context>
</TS>
