<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="vi_VN">
<context>
    <name>ErasureDialog</name>
    <message>
        <location filename="../../ui/households.py" line="405" />
        <source>Withdraw consent and erase data</source>
        <extracomment>the word typed to confirm an erasure (both spellings of the tone mark are accepted) emitted (GUI thread) with the person's id once their data was erased</extracomment>
        <translation>Rút đồng ý và xoá dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="408" />
        <source>The person withdraws their consent: their name, birth date, citizen ID, phone, ethnic group, language and notes are erased here and, at the next sync, on the server and on every laptop. Visits, training, submissions and certificates stay as anonymous counts. This cannot be undone.</source>
        <translation>Người dân rút lại sự đồng ý: họ tên, ngày sinh, số CCCD, số điện thoại, dân tộc, ngôn ngữ và ghi chú của họ bị xoá trên máy này và, ở lần đồng bộ tới, trên máy chủ và mọi máy khác. Lượt thăm, tập huấn, hồ sơ nộp và giấy chứng nhận được giữ lại dưới dạng số liệu ẩn danh. Không thể hoàn tác.</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="413" />
        <source>&amp;Person:</source>
        <translation>&amp;Người dân:</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="414" />
        <source>&amp;Reason:</source>
        <translation>&amp;Lý do:</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="415" />
        <source>Type XOÁ to &amp;confirm:</source>
        <translation>Gõ chữ XOÁ để &amp;xác nhận:</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="420" />
        <source>Choose a reason…</source>
        <translation>Chọn lý do…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="422" />
        <source>The person asked</source>
        <translation>Người dân yêu cầu</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="423" />
        <source>Data entered by mistake</source>
        <translation>Nhập nhầm dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="424" />
        <source>Other</source>
        <translation>Lý do khác</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="430" />
        <source>Erase</source>
        <translation>Xoá dữ liệu</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="448" />
        <source>Nobody in this household has data left to erase.</source>
        <translation>Hộ này không còn ai có dữ liệu để xoá.</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="473" />
        <source>Reading what would be erased…</source>
        <translation>Đang xem những gì sẽ bị xoá…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="475" />
        <source>the person's name, birth date, citizen ID, phone, ethnic group, language and notes</source>
        <translation>họ tên, ngày sinh, số CCCD, số điện thoại, dân tộc, ngôn ngữ và ghi chú của người này</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="477" />
        <source>the household's head name, address, phone and notes (the person lives alone)</source>
        <translation>tên chủ hộ, địa chỉ, số điện thoại và ghi chú của hộ (người này sống một mình)</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="479" />
        <source>the household's head name, phone and notes (the person is its head)</source>
        <translation>tên chủ hộ, số điện thoại và ghi chú của hộ (người này là chủ hộ)</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="481" />
        <source>the notes of %n visit(s) about this person</source>
        <translation>
            <numerusform>ghi chú của %n lượt thăm về người này</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="483" />
        <source>the dossier codes and notes of %n submission(s)</source>
        <translation>
            <numerusform>mã hồ sơ và ghi chú của %n hồ sơ nộp trực tuyến</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="485" />
        <source>the stored copy of %n certificate(s), which are revoked</source>
        <translation>
            <numerusform>bản lưu của %n giấy chứng nhận (các giấy này bị thu hồi)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="487" />
        <source>%n unsaved form draft(s)</source>
        <translation>
            <numerusform>%n bản nháp chưa lưu</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="489" />
        <source>%n visit(s)</source>
        <translation>
            <numerusform>%n lượt thăm</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="490" />
        <source>%n training attendance(s)</source>
        <translation>
            <numerusform>%n lượt tham gia tập huấn</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="491" />
        <source>%n submission(s)</source>
        <translation>
            <numerusform>%n hồ sơ nộp trực tuyến</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="492" />
        <source>%n certificate(s)</source>
        <translation>
            <numerusform>%n giấy chứng nhận</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="500" />
        <source>Erased:</source>
        <translation>Sẽ xoá:</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="500" />
        <source>Kept as anonymous counts:</source>
        <translation>Giữ lại dưới dạng số liệu ẩn danh:</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="517" />
        <source>Erasing…</source>
        <translation>Đang xoá…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="527" />
        <source>Consent withdrawn and the person's data erased on this laptop. The next sync erases it on the server and on the other laptops. Backups made before today still hold it until they are replaced.</source>
        <translation>Đã rút đồng ý và xoá dữ liệu của người này trên máy này. Lần đồng bộ tới sẽ xoá trên máy chủ và các máy khác. Các bản sao lưu làm trước hôm nay vẫn còn dữ liệu này cho đến khi được thay thế.</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="532" />
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="543" />
        <source>Nothing was erased: {error}</source>
        <translation>Không xoá gì cả: {error}</translation>
    </message>
</context>
<context>
    <name>HouseholdsModel</name>
    <message>
        <location filename="../../ui/households.py" line="50" />
        <source>Head of household</source>
        <translation>Chủ hộ</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="51" />
        <source>Village</source>
        <translation>Thôn/buôn</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="52" />
        <source>Address</source>
        <translation>Địa chỉ</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="53" />
        <source>Members</source>
        <translation>Thành viên</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="54" />
        <source>Last visit</source>
        <translation>Lần thăm gần nhất</translation>
    </message>
</context>
<context>
    <name>HouseholdsPage</name>
    <message>
        <location filename="../../ui/households.py" line="175" />
        <source>Households</source>
        <extracomment>emitted (GUI thread) when a new list of ids is shown the commune operator's "withdraw consent and erase data" (the row's context menu)</extracomment>
        <translation>Hộ gia đình</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="178" />
        <source>Find a household: head's name (accents optional), address…</source>
        <translation>Tìm hộ: tên chủ hộ (gõ không dấu cũng được), địa chỉ…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="179" />
        <source>Not visited yet</source>
        <translation>Chưa đến thăm</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="180" />
        <source>New household</source>
        <translation>Thêm hộ mới</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="181" />
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="182" />
        <source>Record visit</source>
        <translation>Ghi lượt thăm</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="183" />
        <source>Withdraw consent and erase a person's data…</source>
        <translation>Rút đồng ý và xoá dữ liệu…</translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="185" />
        <source>Visits are not available in this version yet.</source>
        <translation>Phiên bản này chưa có chức năng ghi lượt thăm.</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/households.py" line="241" />
        <source>%n household(s)</source>
        <translation>
            <numerusform>%n hộ</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/households.py" line="254" />
        <source>All villages</source>
        <translation>Tất cả thôn/buôn</translation>
    </message>
</context>
</TS>