<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>CertificatesPage</name>
    <message>
        <location filename="../../ui/certificates.py" line="245" />
        <source>not issued yet</source>
        <extracomment>the highest resolution pages are painted at on a printer (more only makes the print job bigger) the preview's resolution (pages are then shrunk to the window's width) and how many pages it shows (Print and Save always take every page)</extracomment>
        <translation>chưa cấp</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="247" />
        <source>{number} (revoked)</source>
        <translation>{number} (đã thu hồi)</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="262" />
        <source>This certificate was revoked: printing gives a new certificate with a new number.</source>
        <translation>Giấy chứng nhận này đã bị thu hồi: in lại sẽ cấp giấy mới với số mới.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="303" />
        <location filename="../../ui/certificates.py" line="356" />
        <source>Name</source>
        <translation>Họ tên</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="304" />
        <source>Born</source>
        <translation>Ngày sinh</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="305" />
        <source>Certificate number</source>
        <translation>Số giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="311" />
        <source>sample</source>
        <translation>mẫu</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="313" />
        <source>revoked</source>
        <translation>đã thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="315" />
        <source>valid</source>
        <translation>hợp lệ</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="342" />
        <source>the person's data was erased</source>
        <translation>dữ liệu của người này đã được xoá</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="343" />
        <source>Reason: {reason}</source>
        <translation>Lý do: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="355" />
        <source>Number</source>
        <translation>Số</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="357" />
        <source>Course</source>
        <translation>Khóa học</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="358" />
        <source>Issue date</source>
        <translation>Ngày cấp</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="359" />
        <source>Status</source>
        <translation>Tình trạng</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="907" />
        <source>Certificates</source>
        <extracomment>the issued list shows at most this many (the newest); typing a number or a name reaches any other issuing, revoking and the signer are a team head's (the service refuses them to a team member); reprinting issued certificates and verifying are everyone's</extracomment>
        <translation>Giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="931" />
        <source>&amp;Print</source>
        <translation>&amp;In giấy</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="932" />
        <source>&amp;Issued certificates</source>
        <translation>Giấy đã &amp;cấp</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="933" />
        <source>&amp;Verify</source>
        <translation>&amp;Xác thực</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="934" />
        <source>Change &amp;signer…</source>
        <translation>Đổi người &amp;ký…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="935" />
        <source>The name and title printed above the signature on new certificates</source>
        <translation>Họ tên và chức vụ in phía trên chữ ký trên các giấy chứng nhận mới</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="936" />
        <source>1. Choose a training session</source>
        <translation>1. Chọn buổi học</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="937" />
        <source>2. Tick who gets a certificate</source>
        <translation>2. Đánh dấu người được cấp giấy</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="938" />
        <source>Tick all</source>
        <translation>Chọn tất cả</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="939" />
        <source>Untick all</source>
        <translation>Bỏ chọn tất cả</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="940" />
        <source>Previe&amp;w</source>
        <translation>&amp;Xem trước</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="941" />
        <source>See the certificates on screen before printing</source>
        <translation>Xem giấy chứng nhận trên màn hình trước khi in</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="942" />
        <source>P&amp;rint…</source>
        <translation>&amp;In…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="943" />
        <source>Choose a printer and print the ticked certificates</source>
        <translation>Chọn máy in và in các giấy đã đánh dấu</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="944" />
        <source>Save as P&amp;DF…</source>
        <translation>Lưu thành P&amp;DF…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="945" />
        <source>Save the ticked certificates in one PDF file, to print later</source>
        <translation>Lưu các giấy đã đánh dấu vào một tệp PDF để in sau</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="946" />
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="947" />
        <source>Stop: nothing half-made is saved or printed</source>
        <translation>Dừng lại: không lưu, không in phần đang làm dở</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="948" />
        <source>&amp;Find:</source>
        <translation>&amp;Tìm:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="949" />
        <source>Certificate number or name (accents optional)…</source>
        <translation>Số giấy hoặc họ tên (gõ không dấu cũng được)…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="950" />
        <source>Rep&amp;rint…</source>
        <translation>In &amp;lại…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="951" />
        <source>Print this certificate again: same number, same QR code</source>
        <translation>In lại giấy này: cùng số, cùng mã QR</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="952" />
        <source>Rev&amp;oke…</source>
        <translation>Thu &amp;hồi…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="953" />
        <source>Cancel a certificate given by mistake; it then verifies as revoked</source>
        <translation>Hủy giấy đã cấp nhầm; từ đó khi kiểm tra sẽ báo là đã thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="956" />
        <source>Check a certificate without internet: choose a photo or a scan of its QR code, a PDF, or type the text under the QR code.</source>
        <translation>Kiểm tra giấy chứng nhận không cần mạng: chọn ảnh chụp hoặc bản quét có mã QR, tệp PDF, hoặc gõ đoạn mã in dưới mã QR.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="960" />
        <source>From a p&amp;hoto or scan…</source>
        <translation>Từ ảnh &amp;chụp hoặc bản quét…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="961" />
        <source>A picture file (PNG, JPG, BMP, WEBP) with the QR code in it</source>
        <translation>Tệp ảnh (PNG, JPG, BMP, WEBP) có mã QR</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="962" />
        <source>From a P&amp;DF…</source>
        <translation>Từ tệp P&amp;DF…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="963" />
        <source>A PDF of certificates: every page is checked</source>
        <translation>Tệp PDF giấy chứng nhận: kiểm tra mọi trang</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="964" />
        <source>&amp;Code:</source>
        <translation>&amp;Mã:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="965" />
        <source>Type or paste the text of the QR code, or the link…</source>
        <translation>Gõ hoặc dán nội dung mã QR, hoặc đường liên kết…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="966" />
        <source>Verify</source>
        <translation>Kiểm tra</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="967" />
        <source>Check the typed code</source>
        <translation>Kiểm tra mã vừa gõ</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1000" />
        <source>This laptop is not enrolled yet: ask the commune operator to enroll it on the Sync page.</source>
        <translation>Máy này chưa được đăng ký: nhờ cán bộ xã đăng ký máy ở trang Đồng bộ.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1003" />
        <source>The list of trusted signing keys has not arrived yet: connect to the internet and sync once.</source>
        <translation>Máy chưa nhận danh sách khóa ký tin cậy: hãy kết nối mạng và đồng bộ một lần.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1006" />
        <source>The commune's signing key has not arrived on this laptop yet: connect to the internet and sync once.</source>
        <translation>Máy chưa nhận khóa ký của xã: hãy kết nối mạng và đồng bộ một lần.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1009" />
        <source>The commune's signing key has expired, was revoked or is not valid yet: ask the commune operator for a new key, then sync.</source>
        <translation>Khóa ký của xã đã hết hạn, bị thu hồi hoặc chưa đến ngày dùng: nhờ cán bộ xã cấp khóa mới rồi đồng bộ.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1013" />
        <source>This laptop has no certificate numbers left: connect to the internet and sync once to get more.</source>
        <translation>Máy đã dùng hết số giấy chứng nhận: hãy kết nối mạng và đồng bộ một lần để nhận thêm số.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1016" />
        <source>This laptop cannot sign real certificates yet.</source>
        <translation>Máy này chưa ký được giấy chứng nhận thật.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1021" />
        <source>Checking how this laptop signs certificates…</source>
        <translation>Đang kiểm tra cách máy này ký giấy chứng nhận…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1026" />
        <source>Sample mode: certificates printed now are samples, not valid.</source>
        <translation>Chế độ mẫu: giấy in lúc này chỉ là giấy mẫu, không có giá trị.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1027" />
        <source>Each page is marked “{sample}” and never verifies as valid.</source>
        <translation>Mỗi trang có dòng chữ “{sample}” và không bao giờ được xác thực là hợp lệ.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1033" />
        <source>Real certificates: signed with the key of {commune}.</source>
        <translation>Giấy chứng nhận thật: ký bằng khóa của {commune}.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="1036" />
        <source>%Ln certificate number(s) left on this laptop.</source>
        <translation>
            <numerusform>Máy còn %Ln số giấy chứng nhận.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1046" />
        <source>Signed on new certificates by: {signer}</source>
        <translation>Người ký trên giấy mới: {signer}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1048" />
        <source>Signer: not set yet (needed before printing real certificates).</source>
        <translation>Người ký: chưa nhập (cần có trước khi in giấy thật).</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1093" />
        <source>No training session yet: create one on the Training page.</source>
        <translation>Chưa có buổi học nào: hãy tạo buổi học ở trang Tập huấn.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1096" />
        <source>No one has passed yet: mark the results on the Training page, then come back here.</source>
        <translation>Chưa có ai đạt: hãy ghi kết quả ở trang Tập huấn rồi quay lại đây.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1099" />
        <source>Certificates are only for people marked “Passed”.</source>
        <translation>Chỉ cấp giấy cho người có kết quả “Đạt”.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1146" />
        <source>Only a team head or a commune operator can issue certificates.</source>
        <translation>Chỉ tổ trưởng hoặc cán bộ xã được cấp giấy chứng nhận.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1148" />
        <source>Choose a session on the left.</source>
        <translation>Hãy chọn một buổi học ở bên trái.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1150" />
        <source>No one passed this session yet.</source>
        <translation>Buổi học này chưa có ai đạt.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1152" />
        <source>{ticked} of {total} ticked</source>
        <translation>Đã chọn {ticked}/{total} người</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1206" />
        <source>Save the certificates</source>
        <translation>Lưu giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1208" />
        <location filename="../../ui/certificates.py" line="1509" />
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1218" />
        <source>Print the certificates</source>
        <translation>In giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1231" />
        <source>Preparing the certificates…</source>
        <translation>Đang chuẩn bị giấy chứng nhận…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1261" />
        <source>Making the PDF: {done} of {total}</source>
        <translation>Đang tạo PDF: {done}/{total}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1268" />
        <source>Stopping…</source>
        <translation>Đang dừng…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="1280" />
        <source>Saved %n certificate(s) in {path}</source>
        <translation>
            <numerusform>Đã lưu %n giấy chứng nhận vào {path}</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1282" />
        <source>They are samples marked “{sample}”: not valid.</source>
        <translation>Đây là giấy mẫu có dòng chữ “{sample}”: không có giá trị.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1307" />
        <source>Cancelled: nothing was saved or printed.</source>
        <translation>Đã hủy: không lưu, không in gì.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1310" />
        <source>The certificates could not be made: {error}</source>
        <translation>Không tạo được giấy chứng nhận: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1351" />
        <source>Printing: page {done} of {total}</source>
        <translation>Đang in: trang {done}/{total}</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="1360" />
        <source>%n page(s) sent to the printer.</source>
        <translation>
            <numerusform>Đã gửi %n trang tới máy in.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1362" />
        <source>Printing was cancelled.</source>
        <translation>Đã hủy lệnh in.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1366" />
        <source>Printing failed: {error}</source>
        <translation>In không được: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1385" />
        <source>Saved in {path}</source>
        <translation>Đã lưu vào {path}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1389" />
        <source>The file could not be saved: {error}</source>
        <translation>Không lưu được tệp: {error}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1449" />
        <source>No certificate matches.</source>
        <translation>Không có giấy chứng nhận nào khớp.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1449" />
        <source>No certificate has been issued yet.</source>
        <translation>Chưa cấp giấy chứng nhận nào.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1453" />
        <source>The newest {n} certificates: type a number or a name to find others.</source>
        <translation>{n} giấy chứng nhận mới nhất: gõ số giấy hoặc họ tên để tìm giấy khác.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="1456" />
        <source>%n certificate(s)</source>
        <translation>
            <numerusform>%n giấy chứng nhận</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1487" />
        <source>Certificate {number} is revoked.</source>
        <translation>Đã thu hồi giấy chứng nhận số {number}.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1500" />
        <source>A photo or a scan of a certificate</source>
        <translation>Ảnh chụp hoặc bản quét giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1502" />
        <source>Pictures (*.png *.jpg *.jpeg *.bmp *.webp)</source>
        <translation>Ảnh (*.png *.jpg *.jpeg *.bmp *.webp)</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1509" />
        <source>A PDF of certificates</source>
        <translation>Tệp PDF giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1532" />
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1566" />
        <source>No QR code was found in {file}. Take a sharper photo with the whole QR code in it.</source>
        <translation>Không tìm thấy mã QR trong {file}. Hãy chụp lại rõ hơn, lấy trọn mã QR.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="1572" />
        <source>%n QR code(s) found in {file}.</source>
        <translation>
            <numerusform>Tìm thấy %n mã QR trong {file}.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <location filename="../../ui/certificates.py" line="552" />
        <source>Preview of the certificates</source>
        <translation>Xem trước giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="555" />
        <source>The first {shown} of {total} pages. Print and Save take every page.</source>
        <translation>{shown} trang đầu trong {total} trang. In và Lưu sẽ lấy tất cả các trang.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/certificates.py" line="560" />
        <source>%n page(s). Check the names before printing.</source>
        <translation>
            <numerusform>%n trang. Hãy kiểm tra họ tên trước khi in.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="561" />
        <source>&amp;Print…</source>
        <translation>&amp;In…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="562" />
        <source>Choose a printer and print every page</source>
        <translation>Chọn máy in và in tất cả các trang</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="563" />
        <source>&amp;Save as PDF…</source>
        <translation>&amp;Lưu thành PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="564" />
        <source>Save every page in one PDF file</source>
        <translation>Lưu tất cả các trang vào một tệp PDF</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="565" />
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="607" />
        <source>Page {n}</source>
        <translation>Trang {n}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="617" />
        <source>The preview could not be shown: {error}</source>
        <translation>Không xem trước được: {error}</translation>
    </message>
</context>
<context>
    <name>RevokeDialog</name>
    <message>
        <location filename="../../ui/certificates.py" line="472" />
        <location filename="../../ui/certificates.py" line="496" />
        <source>Revoke a certificate</source>
        <translation>Thu hồi giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="475" />
        <source>Certificate {number} of {name}. Once revoked, it shows as REVOKED whenever it is checked. This cannot be undone.</source>
        <translation>Giấy chứng nhận số {number} của {name}. Sau khi thu hồi, mỗi lần kiểm tra sẽ báo ĐÃ THU HỒI. Không thể hoàn tác.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="479" />
        <source>&amp;Why is it revoked?</source>
        <translation>&amp;Lý do thu hồi:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="480" />
        <source>e.g. printed for the wrong person</source>
        <translation>VD: in nhầm người</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="483" />
        <source>Revoke</source>
        <translation>Thu hồi</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="490" />
        <source>Please write why the certificate is revoked.</source>
        <translation>Hãy ghi lý do thu hồi giấy chứng nhận.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="497" />
        <source>Revoke certificate {number} of {name}?</source>
        <translation>Thu hồi giấy chứng nhận số {number} của {name}?</translation>
    </message>
</context>
<context>
    <name>SignerDialog</name>
    <message>
        <location filename="../../ui/certificates.py" line="409" />
        <source>Signer of the certificates</source>
        <translation>Người ký giấy chứng nhận</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="411" />
        <source>The name and title printed above the signature on new certificates, e.g. the commune chairman.</source>
        <translation>Họ tên và chức vụ in phía trên chữ ký trên giấy chứng nhận mới, ví dụ Chủ tịch UBND xã.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="413" />
        <source>&amp;Full name:</source>
        <translation>&amp;Họ tên:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="414" />
        <source>&amp;Title:</source>
        <translation>&amp;Chức vụ:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="415" />
        <source>e.g. CHỦ TỊCH (at most two lines)</source>
        <translation>VD: CHỦ TỊCH (tối đa hai dòng)</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="420" />
        <source>Please type the signer's full name.</source>
        <translation>Hãy nhập họ tên người ký.</translation>
    </message>
</context>
<context>
    <name>VerdictCard</name>
    <message>
        <location filename="../../ui/certificates.py" line="1646" />
        <source>Why: {reason}</source>
        <translation>Lý do: {reason}</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1649" />
        <source>A sample printed on a laptop that cannot sign yet: it proves nothing about the person.</source>
        <translation>Giấy mẫu in từ máy chưa ký được giấy thật: không chứng minh được gì về người này.</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1656" />
        <source>Signed name:</source>
        <translation>Họ tên đã ký:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1657" />
        <source>Course:</source>
        <translation>Khóa học:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1658" />
        <source>Commune:</source>
        <translation>Xã/phường:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1659" />
        <source>Issue date:</source>
        <translation>Ngày cấp:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1660" />
        <source>Number:</source>
        <translation>Số:</translation>
    </message>
    <message>
        <location filename="../../ui/certificates.py" line="1662" />
        <source>Born:</source>
        <translation>Sinh:</translation>
    </message>
</context>
</TS>