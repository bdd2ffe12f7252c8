<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>SubmissionModel</name>
    <message>
        <location filename="../../ui/submissions.py" line="90" />
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="91" />
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="92" />
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="93" />
        <source>Portal</source>
        <translation>Cổng dịch vụ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="94" />
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="95" />
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="96" />
        <source>Full online</source>
        <translation>Toàn trình</translation>
    </message>
</context>
<context>
    <name>SubmissionsPage</name>
    <message>
        <location filename="../../ui/submissions.py" line="24" />
        <source>Prepared</source>
        <translation>Đã chuẩn bị</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="25" />
        <source>Submitted</source>
        <translation>Đã nộp</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="26" />
        <source>Received</source>
        <translation>Đã tiếp nhận</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="27" />
        <source>Processing</source>
        <translation>Đang xử lý</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="28" />
        <source>Completed</source>
        <translation>Đã hoàn thành</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="29" />
        <source>Rejected</source>
        <translation>Bị từ chối</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="282" />
        <source>Online public services</source>
        <translation>Dịch vụ công trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="288" />
        <source>Record an assisted submission</source>
        <translation>Ghi nhận hồ sơ đã hỗ trợ nộp</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="289" />
        <source>P&amp;rocedure</source>
        <translation>Thủ tụ&amp;c</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="290" />
        <source>Type to filter the procedures…</source>
        <translation>Gõ để lọc thủ tục (không cần dấu)…</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="291" />
        <source>Person</source>
        <translation>Người dân</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="292" />
        <source>Po&amp;rtal</source>
        <translation>Cổ&amp;ng dịch vụ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="293" />
        <source>Dossier &amp;code</source>
        <translation>&amp;Mã hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="294" />
        <source>&amp;Status</source>
        <translation>&amp;Trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="295" />
        <source>Full online (toàn trình)</source>
        <translation>Toàn trình (thực hiện hoàn toàn trực tuyến)</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="296" />
        <source>Fee paid online</source>
        <translation>Đã nộp phí trực tuyến</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="297" />
        <source>&amp;Minutes spent</source>
        <translation>Số &amp;phút hỗ trợ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="298" />
        <source>&amp;Date</source>
        <translation>&amp;Ngày</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="299" />
        <source>&amp;Notes</source>
        <translation>&amp;Ghi chú</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="300" />
        <source>Save submission</source>
        <translation>Lưu hồ sơ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="301" />
        <source>Clear</source>
        <translation>Nhập mới</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="302" />
        <source>Assisted submissions</source>
        <translation>Hồ sơ đã hỗ trợ</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="303" />
        <source>Status:</source>
        <translation>Trạng thái:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="304" />
        <source>From:</source>
        <translation>Từ ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="305" />
        <source>To:</source>
        <translation>Đến ngày:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="307" />
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="308" />
        <source>New status:</source>
        <translation>Trạng thái mới:</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="309" />
        <source>Note (optional)</source>
        <translation>Ghi chú (không bắt buộc)</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="310" />
        <source>Update status</source>
        <translation>Cập nhật trạng thái</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="324" />
        <source>All</source>
        <translation>Tất cả</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="429" />
        <source>This procedure cannot be done fully online (toàn trình).</source>
        <translation>Thủ tục này không thực hiện toàn trình được.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="440" />
        <source>Chosen: {name}</source>
        <translation>Đã chọn: {name}</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="442" />
        <source>Nobody chosen yet: find the person below or add a walk-in.</source>
        <translation>Chưa chọn người: tìm ở ô dưới hoặc thêm người mới.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="478" />
        <source>Please choose the procedure.</source>
        <translation>Vui lòng chọn thủ tục.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="481" />
        <source>Please choose the person (or add a walk-in).</source>
        <translation>Vui lòng chọn người dân (hoặc thêm người mới).</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="495" />
        <source>Saved: {procedure} for {name}.</source>
        <translation>Đã lưu: {procedure} cho {name}.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="521" />
        <source>Type dates as dd/mm/yyyy, e.g. 05/02/2026.</source>
        <translation>Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/02/2026.</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="552" />
        <source>Submissions shown: {n}</source>
        <translation>Số hồ sơ đang hiển thị: {n}</translation>
    </message>
    <message>
        <location filename="../../ui/submissions.py" line="578" />
        <source>A status can only move forward: {current} is already further along.</source>
        <translation>Trạng thái chỉ được chuyển tiếp: hồ sơ đã ở trạng thái «{current}».</translation>
    </message>
</context>
</TS>