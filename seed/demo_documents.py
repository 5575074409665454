"""Demo documents: 14 texts of different kinds and levels, written for this project.

The central documents use real, public symbols and dates (57-NQ/TW, 204-QĐ/TW,
05-CT/TW); their summaries and bodies are our own short study notes, not the
official text. Provincial, commune and cell documents are invented.

Pure data: ``DOCUMENTS`` is a tuple of frozen ``DocumentSeed`` records.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date

__all__ = ["DOCUMENTS", "DOCUMENT_KINDS", "TOPICS", "DocumentSeed", "document_by_symbol"]

# kind -> (Vietnamese name, abbreviation used in the symbol), per Quy định 399-QĐ/TW.
DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "resolution": ("Nghị quyết", "NQ"),
    "directive": ("Chỉ thị", "CT"),
    "conclusion": ("Kết luận", "KL"),
    "decision": ("Quyết định", "QĐ"),
    "regulation": ("Quy định", "QĐi"),
    "statute": ("Quy chế", "QC"),
    "guidance": ("Hướng dẫn", "HD"),
    "plan": ("Kế hoạch", "KH"),
    "notice": ("Thông báo", "TB"),
    "letter": ("Công văn", "CV"),
    "study_material": ("Tài liệu sinh hoạt chi bộ", "TL"),
}

TOPICS = (
    "Chuyển đổi số",
    "Xây dựng Đảng",
    "Học tập và làm theo Bác",
    "Kinh tế - xã hội",
    "Quốc phòng - an ninh",
    "Sinh hoạt chi bộ",
    "An sinh xã hội",
)


@dataclass(frozen=True, slots=True)
class DocumentSeed:
    kind: str
    symbol: str
    issuer_code: str
    issued_on: date
    effective_on: date
    title: str
    summary: str
    body_markdown: str
    topics: tuple[str, ...]
    replaces_symbol: str | None = None
    audience_codes: tuple[str, ...] | None = None  # None: the issuer's whole subtree
    has_pdf: bool = False


def _md(text: str) -> str:
    return textwrap.dedent(text).strip() + "\n"


_D = date.fromisoformat

_NQ57 = DocumentSeed(
    kind="resolution",
    symbol="57-NQ/TW",
    issuer_code="TW",
    issued_on=_D("2024-12-22"),
    effective_on=_D("2024-12-22"),
    title=(
        "Nghị quyết của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, "
        "đổi mới sáng tạo và chuyển đổi số quốc gia"
    ),
    summary=(
        "Bộ Chính trị xác định khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số là "
        "đột phá quan trọng để phát triển đất nước. Bản tóm lược giúp chi bộ học tập, "
        "quán triệt những điểm cốt lõi."
    ),
    body_markdown=_md("""
        ## Ý nghĩa của Nghị quyết

        Nghị quyết đặt khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số vào vị trí
        trung tâm của chiến lược phát triển. Đây không phải việc riêng của các nhà khoa học
        hay ngành công nghệ thông tin, mà là nhiệm vụ của cả hệ thống chính trị, của từng
        cấp ủy, từng cán bộ, đảng viên và mỗi người dân.

        ## Những nội dung đảng viên cần nắm

        1. **Đổi mới tư duy**: mạnh dạn bỏ cách làm cũ kém hiệu quả, coi dữ liệu và công nghệ
           là công cụ lãnh đạo, quản lý hằng ngày.
        2. **Trách nhiệm người đứng đầu**: bí thư cấp ủy, thủ trưởng cơ quan trực tiếp chỉ đạo
           và chịu trách nhiệm về kết quả chuyển đổi số ở nơi mình phụ trách.
        3. **Thể chế thông thoáng**: tháo gỡ rào cản, khuyến khích thử nghiệm cái mới, chấp
           nhận rủi ro có kiểm soát trong nghiên cứu.
        4. **Hạ tầng và dữ liệu**: phát triển hạ tầng số rộng khắp, xây dựng cơ sở dữ liệu
           dùng chung, bảo đảm an ninh mạng.
        5. **Con người**: đào tạo nhân lực chất lượng cao, phổ cập kỹ năng số cho mọi người dân.

        ## Liên hệ ở cơ sở

        Với chi bộ thôn, khu phố, tinh thần Nghị quyết được thể hiện bằng những việc rất cụ
        thể: đảng viên đọc văn bản và nhận nhiệm vụ trên Sổ tay đảng viên điện tử thay cho
        giấy tờ; giúp người thân, hàng xóm làm thủ tục hành chính trực tuyến, dùng tài khoản
        định danh điện tử và thanh toán không dùng tiền mặt; phản ánh kịp thời những khó khăn
        khi sử dụng dịch vụ số.

        ## Yêu cầu học tập

        - Đọc bản tóm lược này và nguyên văn Nghị quyết trong tệp PDF đính kèm.
        - Viết thu hoạch ngắn, nêu ít nhất một việc làm cụ thể của bản thân.
        - Bấm **Đã học tập, quán triệt** sau khi hoàn thành.

        > Bản tóm lược được soạn để phục vụ sinh hoạt chi bộ; khi trích dẫn, đề nghị đối
        > chiếu nguyên văn Nghị quyết.
    """),
    topics=("Chuyển đổi số", "Kinh tế - xã hội"),
    has_pdf=True,
)

_QD204 = DocumentSeed(
    kind="decision",
    symbol="204-QĐ/TW",
    issuer_code="TW",
    issued_on=_D("2024-11-29"),
    effective_on=_D("2024-11-29"),
    title="Quyết định của Ban Bí thư phê duyệt Đề án Chuyển đổi số trong các cơ quan đảng",
    summary=(
        "Ban Bí thư phê duyệt Đề án chuyển đổi số thống nhất, đồng bộ trong các cơ quan đảng "
        "từ Trung ương đến cơ sở. Đề án đặt mục tiêu số hóa quy trình nghiệp vụ, dữ liệu và "
        "văn bản không mật trong giai đoạn 2025 - 2028."
    ),
    body_markdown=_md("""
        ## Mục đích của Đề án

        Đề án nhằm đưa hoạt động của các cơ quan đảng lên môi trường số một cách thống nhất,
        gắn chuyển đổi số với cải cách hành chính và đổi mới phương thức lãnh đạo của Đảng.
        Khi công việc được xử lý trên nền tảng số, văn bản đến tay cán bộ, đảng viên nhanh
        hơn, thông tin chính xác hơn, bớt giấy tờ và thời gian đi lại.

        ## Các trụ cột chính

        - **Hạ tầng số**: mạng thông tin dùng riêng, trung tâm dữ liệu và thiết bị được đầu tư
          đồng bộ, an toàn.
        - **Nền tảng dùng chung**: hệ thống quản lý văn bản và điều hành, ký số, họp trực
          tuyến, Sổ tay đảng viên điện tử.
        - **Dữ liệu**: cơ sở dữ liệu tổ chức đảng và đảng viên được làm sạch, chuẩn hóa, cập
          nhật thường xuyên.
        - **An toàn thông tin**: hệ thống được đánh giá và bảo vệ theo cấp độ; văn bản mật
          tuyệt đối không đưa lên môi trường mạng không được phép.
        - **Nguồn nhân lực**: cán bộ chuyên trách được đào tạo; mọi đảng viên được bồi dưỡng
          kỹ năng số cơ bản.

        ## Mục tiêu hướng tới

        Trong giai đoạn 2025 - 2028, văn bản không mật giữa các cơ quan đảng được gửi, nhận
        và xử lý trên môi trường số; mỗi người dùng có danh tính số; các quy trình nghiệp vụ
        cốt lõi được số hóa.

        ## Trách nhiệm của tổ chức đảng cơ sở

        1. Cụ thể hóa Đề án bằng kế hoạch phù hợp với điều kiện của địa phương.
        2. Hướng dẫn đảng viên cài đặt và sử dụng Sổ tay đảng viên điện tử.
        3. Đưa nội dung chuyển đổi số vào sinh hoạt chi bộ định kỳ.
        4. Định kỳ báo cáo kết quả lên cấp ủy cấp trên.
    """),
    topics=("Chuyển đổi số", "Xây dựng Đảng"),
    has_pdf=True,
)

_CT05 = DocumentSeed(
    kind="directive",
    symbol="05-CT/TW",
    issuer_code="TW",
    issued_on=_D("2016-05-15"),
    effective_on=_D("2016-05-15"),
    title=(
        "Chỉ thị của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, "
        "phong cách Hồ Chí Minh"
    ),
    summary=(
        "Chỉ thị yêu cầu đưa việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí "
        "Minh thành việc làm tự giác, thường xuyên của mỗi tổ chức đảng và đảng viên, với "
        "người đứng đầu nêu gương."
    ),
    body_markdown=_md("""
        ## Tinh thần của Chỉ thị

        Học tập và làm theo Bác là nội dung quan trọng của công tác xây dựng Đảng về chính
        trị, tư tưởng và đạo đức. Việc học không dừng ở hội nghị quán triệt mà phải chuyển
        thành hành động cụ thể, gắn với nhiệm vụ chính trị của từng địa phương, cơ quan,
        đơn vị.

        ## Những yêu cầu chính

        - **Tự giác và thường xuyên**: mỗi cán bộ, đảng viên tự học, tự sửa mình hằng ngày,
          không làm theo phong trào.
        - **Nêu gương**: cấp trên làm gương cho cấp dưới; cán bộ lãnh đạo, người đứng đầu
          làm trước.
        - **Gắn với chức trách**: mỗi đảng viên đăng ký việc làm theo Bác phù hợp với công
          việc của mình.
        - **Đưa vào sinh hoạt**: chi bộ dành thời gian trong sinh hoạt định kỳ để trao đổi,
          liên hệ thực tế.
        - **Biểu dương và nhân rộng**: phát hiện, khen thưởng người tốt, việc tốt; kiên quyết
          phê phán biểu hiện suy thoái.

        ## Gợi ý thực hiện ở chi bộ

        1. Đầu năm, mỗi đảng viên ghi bản đăng ký làm theo Bác, nêu rõ việc làm và thời hạn.
        2. Chi bộ định kỳ tổ chức sinh hoạt chuyên đề về tư tưởng, đạo đức, phong cách Hồ Chí
           Minh, chọn chủ đề sát với đời sống ở thôn, khu phố, cơ quan.
        3. Cuối năm, kết quả làm theo Bác là một căn cứ đánh giá, xếp loại chất lượng đảng viên.

        ## Việc làm cụ thể có thể đăng ký

        - Giữ gìn đoàn kết trong thôn xóm, hòa giải mâu thuẫn từ cơ sở.
        - Tiết kiệm trong tổ chức việc hiếu, việc hỉ.
        - Gương mẫu thực hiện nghĩa vụ với Nhà nước và địa phương.
        - Giúp đỡ hộ nghèo, gia đình chính sách trong khu dân cư.
    """),
    topics=("Học tập và làm theo Bác", "Xây dựng Đảng"),
)

_KH04 = DocumentSeed(
    kind="plan",
    symbol="04-KH/TU",
    issuer_code="HY",
    issued_on=_D("2025-07-25"),
    effective_on=_D("2025-07-25"),
    title=(
        "Kế hoạch thực hiện Quyết định số 204-QĐ/TW của Ban Bí thư về Đề án Chuyển đổi số "
        "trong các cơ quan đảng"
    ),
    summary=(
        "Ban Thường vụ Tỉnh ủy cụ thể hóa Đề án chuyển đổi số trong các cơ quan đảng của tỉnh, "
        "phân công nhiệm vụ và mốc thời gian cho các đảng bộ xã, phường. Trọng tâm năm đầu là "
        "dữ liệu đảng viên và Sổ tay đảng viên điện tử."
    ),
    body_markdown=_md("""
        ## I. Mục đích, yêu cầu

        - Quán triệt Quyết định 204-QĐ/TW đến toàn thể cán bộ, đảng viên trong Đảng bộ tỉnh.
        - Xác định rõ việc cần làm, người chịu trách nhiệm và thời hạn hoàn thành ở từng cấp.
        - Bảo đảm chuyển đổi số đi đôi với an toàn, an ninh thông tin.

        ## II. Nhiệm vụ trọng tâm

        1. **Dữ liệu tổ chức đảng, đảng viên**: các đảng bộ xã, phường rà soát, làm sạch và
           cập nhật dữ liệu; hoàn thành trước ngày 31/12/2025.
        2. **Sổ tay đảng viên điện tử**: 100% chi bộ được tạo trên hệ thống; phấn đấu ít nhất
           80% đảng viên sử dụng thường xuyên trong năm 2026.
        3. **Văn bản điện tử**: văn bản không mật của cấp ủy các cấp được gửi, nhận trên môi
           trường số và ký số.
        4. **Họp trực tuyến**: kết nối hội nghị truyền hình đến các đảng ủy xã, phường.
        5. **Đào tạo**: mỗi đảng ủy xã, phường có ít nhất một cán bộ phụ trách chuyển đổi số;
           tổ chức tập huấn cho bí thư chi bộ.

        ## III. Tổ chức thực hiện

        - **Văn phòng Tỉnh ủy** là cơ quan thường trực, hướng dẫn kỹ thuật, quản trị hệ thống.
        - **Ban Tổ chức Tỉnh ủy** chỉ đạo chuẩn hóa dữ liệu đảng viên.
        - **Ban Tuyên giáo và Dân vận Tỉnh ủy** tuyên truyền, cung cấp tài liệu học tập trên
          Sổ tay đảng viên điện tử.
        - **Các đảng ủy xã, phường** xây dựng kế hoạch của cấp mình trong tháng 8/2025 và báo
          cáo kết quả hằng quý về Văn phòng Tỉnh ủy.

        Kế hoạch này được phổ biến đến từng chi bộ và đảng viên.
    """),
    topics=("Chuyển đổi số", "Xây dựng Đảng"),
    has_pdf=True,
)

_HD07 = DocumentSeed(
    kind="guidance",
    symbol="07-HD/TU",
    issuer_code="HY",
    issued_on=_D("2025-09-05"),
    effective_on=_D("2025-09-05"),
    title="Hướng dẫn triển khai thí điểm Sổ tay đảng viên điện tử trong Đảng bộ tỉnh",
    summary=(
        "Hướng dẫn các đảng ủy xã, phường và chi bộ các bước triển khai thí điểm Sổ tay đảng "
        "viên điện tử: tạo tài khoản, rà soát danh sách đảng viên, hỗ trợ cài đặt ứng dụng."
    ),
    body_markdown=_md("""
        ## 1. Phạm vi thí điểm

        Trong quý IV năm 2025, Sổ tay đảng viên điện tử được triển khai thí điểm tại Đảng bộ
        xã Vĩnh An và Đảng bộ phường Sơn Nam; các đảng bộ khác chuẩn bị dữ liệu để triển khai
        từ năm 2026.

        ## 2. Việc của đảng ủy xã, phường

        - Cử một đồng chí trong Văn phòng Đảng ủy làm quản trị hệ thống của đảng bộ.
        - Đối chiếu danh sách đảng viên với cơ sở dữ liệu đảng viên, bổ sung số điện thoại
          di động của từng người.
        - Phân quyền cho bí thư, phó bí thư chi bộ trên hệ thống.

        ## 3. Việc của chi bộ

        1. Bí thư chi bộ kiểm tra danh sách đảng viên của chi bộ mình, báo sai sót về Văn
           phòng Đảng ủy.
        2. Tổ chức hướng dẫn cài đặt ngay trong kỳ sinh hoạt chi bộ, mời đảng viên trẻ hỗ trợ
           đảng viên cao tuổi.
        3. Thống kê những đồng chí chưa có điện thoại thông minh để có cách truyền đạt phù hợp.

        ## 4. Đăng nhập

        Đảng viên đăng nhập bằng số thẻ đảng viên và mật khẩu được cấp lần đầu, sau đó tự đổi
        mật khẩu để bảo đảm bí mật.

        ## 5. Báo cáo

        Đảng ủy xã, phường báo cáo kết quả thí điểm về Văn phòng Tỉnh ủy trước ngày
        15/12/2025, nêu rõ số đảng viên đã sử dụng, những khó khăn gặp phải và kiến nghị.
    """),
    topics=("Chuyển đổi số",),
)

_HD12 = DocumentSeed(
    kind="guidance",
    symbol="12-HD/TU",
    issuer_code="HY",
    issued_on=_D("2026-03-10"),
    effective_on=_D("2026-03-10"),
    title="Hướng dẫn sử dụng Sổ tay đảng viên điện tử trong Đảng bộ tỉnh Hưng Yên",
    summary=(
        "Hướng dẫn thay thế Hướng dẫn số 07-HD/TU, áp dụng Sổ tay đảng viên điện tử cho toàn "
        "Đảng bộ tỉnh: cách đăng nhập, đọc văn bản, xác nhận đã học tập, nhận và báo cáo "
        "nhiệm vụ."
    ),
    body_markdown=_md("""
        ## 1. Đối tượng áp dụng

        Hướng dẫn áp dụng cho tất cả tổ chức đảng và đảng viên trong Đảng bộ tỉnh. Hướng dẫn
        số 07-HD/TU về triển khai thí điểm hết hiệu lực kể từ ngày ký.

        ## 2. Đăng nhập và bảo mật

        - Đăng nhập bằng số thẻ đảng viên hoặc số điện thoại đã đăng ký.
        - Không cho người khác mượn tài khoản; đổi mật khẩu ngay khi nghi bị lộ.
        - Khi đổi điện thoại, bấm **Đăng xuất** trên máy cũ để xóa dữ liệu đã lưu.

        ## 3. Đọc và học tập văn bản

        1. Mở mục **Văn bản** hoặc bấm vào thông báo khi có văn bản mới.
        2. Đọc trích yếu, nội dung và tệp đính kèm; có thể phóng to chữ bằng nút **Cỡ chữ**.
        3. Sau khi nghiên cứu, bấm **Đã học tập, quán triệt**. Khi văn bản được sửa đổi, hệ
           thống đề nghị xác nhận lại.
        4. Văn bản đã mở được lưu trên máy để đọc cả khi không có mạng.

        ## 4. Nhận và báo cáo nhiệm vụ

        - Nhiệm vụ do bí thư hoặc phó bí thư chi bộ giao hiện trong mục **Nhiệm vụ**, kèm hạn
          hoàn thành.
        - Khi bắt đầu làm, chọn **Đang thực hiện**; khi xong, viết báo cáo ngắn, có thể kèm
          ảnh, rồi bấm **Báo cáo kết quả**.
        - Nếu bị trả lại, đọc ý kiến của chi ủy, bổ sung và gửi lại.

        ## 5. Trách nhiệm của chi bộ

        Bí thư chi bộ theo dõi tỷ lệ đảng viên đã học tập văn bản và hoàn thành nhiệm vụ,
        nhắc nhở đồng chí còn chậm, giúp đỡ đảng viên cao tuổi. Văn bản mật tuyệt đối không
        đưa lên Sổ tay đảng viên điện tử.
    """),
    topics=("Chuyển đổi số", "Sinh hoạt chi bộ"),
    replaces_symbol="07-HD/TU",
)

_CT15 = DocumentSeed(
    kind="directive",
    symbol="15-CT/TU",
    issuer_code="HY",
    issued_on=_D("2026-01-20"),
    effective_on=_D("2026-01-20"),
    title=(
        "Chỉ thị của Ban Thường vụ Tỉnh ủy về đẩy mạnh chuyển đổi số trong công tác xây dựng Đảng"
    ),
    summary=(
        "Ban Thường vụ Tỉnh ủy yêu cầu cấp ủy các cấp đưa chuyển đổi số vào mọi khâu của công "
        "tác xây dựng Đảng, từ quản lý đảng viên đến sinh hoạt chi bộ; đảng viên phải gương "
        "mẫu sử dụng các nền tảng số."
    ),
    body_markdown=_md("""
        ## Đánh giá chung

        Sau thời gian triển khai, nhiều đảng bộ xã, phường đã sử dụng văn bản điện tử, ký số
        và Sổ tay đảng viên điện tử, bước đầu giảm giấy tờ và rút ngắn thời gian đưa nghị
        quyết đến đảng viên. Tuy vậy, kết quả chưa đồng đều: một số chi bộ còn lúng túng, tỷ
        lệ đảng viên thường xuyên sử dụng ứng dụng còn thấp, dữ liệu đảng viên có nơi chưa
        được cập nhật kịp thời.

        ## Ban Thường vụ Tỉnh ủy yêu cầu

        1. **Cấp ủy và người đứng đầu** trực tiếp chỉ đạo, coi kết quả chuyển đổi số là tiêu
           chí đánh giá tổ chức đảng và cán bộ cuối năm.
        2. **Sinh hoạt chi bộ** được chuẩn bị trên Sổ tay: thông báo, tài liệu gửi trước ít
           nhất ba ngày; điểm danh và ghi biên bản trên hệ thống.
        3. **Giao và theo dõi nhiệm vụ** cho từng đảng viên trên môi trường số, công khai
           tiến độ trong chi bộ.
        4. **Dữ liệu đảng viên** được cập nhật ngay khi có biến động về sinh hoạt, chuyển
           đảng, khen thưởng, kỷ luật.
        5. **An toàn thông tin**: không đưa văn bản mật lên mạng; bảo vệ thông tin cá nhân
           của đảng viên.

        ## Đối với mỗi đảng viên

        - Thành thạo các thao tác cơ bản trên Sổ tay đảng viên điện tử.
        - Đọc và xác nhận đã học tập văn bản đúng thời hạn.
        - Tích cực hướng dẫn gia đình và Nhân dân sử dụng dịch vụ công trực tuyến.

        ## Tổ chức thực hiện

        Các đảng ủy trực thuộc quán triệt Chỉ thị đến chi bộ trong tháng 02/2026; Văn phòng
        Tỉnh ủy theo dõi, tổng hợp, báo cáo Ban Thường vụ Tỉnh ủy sáu tháng một lần.
    """),
    topics=("Chuyển đổi số", "Xây dựng Đảng"),
)

_TL09 = DocumentSeed(
    kind="study_material",
    symbol="09-TL/TU",
    issuer_code="HY",
    issued_on=_D("2026-04-15"),
    effective_on=_D("2026-04-15"),
    title="Tài liệu sinh hoạt chi bộ: Tư tưởng Hồ Chí Minh về thực hành tiết kiệm, chống lãng phí",
    summary=(
        "Tài liệu giúp chi bộ tìm hiểu quan điểm của Chủ tịch Hồ Chí Minh về tiết kiệm, chống "
        "lãng phí và liên hệ với việc làm hằng ngày của đảng viên ở thôn, khu phố, cơ quan."
    ),
    body_markdown=_md("""
        ## 1. Quan điểm của Bác

        Chủ tịch Hồ Chí Minh coi tiết kiệm là một phẩm chất của đạo đức cách mạng, đứng cùng
        cần, liêm, chính. Theo Người, tiết kiệm không phải là bủn xỉn, mà là không phô trương,
        không xa xỉ, dùng của cải, thời gian và sức lao động đúng chỗ, đúng việc. Người cũng
        chỉ rõ lãng phí tuy không phải là lấy của công bỏ túi, nhưng gây thiệt hại cho dân,
        cho nước, nên phải kiên quyết chống.

        ## 2. Tấm gương của Bác

        Cả cuộc đời, Bác sống giản dị: bữa ăn đạm bạc, bộ quần áo đơn sơ, đôi dép cao su đi
        nhiều năm. Người tận dụng từng tờ giấy, tắt đèn khi ra khỏi phòng và luôn nhắc cán bộ
        quý trọng thời gian của Nhân dân.

        ## 3. Liên hệ thực tế

        - **Trong gia đình**: tổ chức việc cưới, việc tang gọn nhẹ, văn minh.
        - **Trong thôn, khu phố**: giữ gìn công trình công cộng, không để lãng phí điện, nước
          ở nhà văn hóa.
        - **Trong cơ quan**: dùng văn bản điện tử thay giấy, họp ngắn gọn, đúng giờ.
        - **Trong sinh hoạt Đảng**: chuẩn bị nội dung kỹ để buổi sinh hoạt thiết thực, không
          hình thức.

        ## 4. Câu hỏi thảo luận

        1. Ở thôn, khu phố của chúng ta, lãng phí còn xảy ra ở đâu?
        2. Mỗi đảng viên có thể làm gì ngay trong tháng này?
        3. Chi bộ cần kiến nghị với chính quyền điều gì?

        ## 5. Đăng ký làm theo

        Mỗi đảng viên ghi một việc làm cụ thể vào bản đăng ký học tập và làm theo Bác, báo
        cáo kết quả trong kỳ sinh hoạt cuối quý.
    """),
    topics=("Học tập và làm theo Bác", "Sinh hoạt chi bộ"),
)

_KL31 = DocumentSeed(
    kind="conclusion",
    symbol="31-KL/TU",
    issuer_code="HY",
    issued_on=_D("2026-07-28"),
    effective_on=_D("2026-07-28"),
    title=(
        "Kết luận của Ban Thường vụ Tỉnh ủy về tình hình kinh tế - xã hội, quốc phòng - an "
        "ninh 6 tháng đầu năm và nhiệm vụ 6 tháng cuối năm 2026"
    ),
    summary=(
        "Ban Thường vụ Tỉnh ủy đánh giá kết quả nửa đầu năm 2026 và đề ra nhiệm vụ trọng tâm "
        "về kinh tế, an sinh xã hội, quốc phòng - an ninh và xây dựng Đảng cho những tháng "
        "cuối năm."
    ),
    body_markdown=_md("""
        ## Kết quả nổi bật

        Kinh tế của tỉnh tiếp tục tăng trưởng; sản xuất nông nghiệp vụ Đông Xuân đạt khá;
        công nghiệp, thương mại và dịch vụ phục hồi. Chính quyền địa phương hai cấp vận hành
        ổn định hơn, thủ tục hành chính được giải quyết nhanh. An sinh xã hội được bảo đảm,
        chính sách đối với người có công được thực hiện đầy đủ. Quốc phòng, an ninh được giữ
        vững, không để xảy ra điểm nóng.

        ## Hạn chế

        - Tiến độ giải ngân vốn đầu tư công ở một số nơi còn chậm.
        - Ô nhiễm môi trường tại một số khu dân cư và làng nghề chưa được xử lý dứt điểm.
        - Một số tổ chức đảng chưa sử dụng thường xuyên Sổ tay đảng viên điện tử.

        ## Nhiệm vụ 6 tháng cuối năm

        1. Tập trung thu hút đầu tư, tháo gỡ khó khăn cho doanh nghiệp và hợp tác xã.
        2. Chăm lo đời sống Nhân dân; rà soát hộ nghèo, hộ cận nghèo; hỗ trợ xây, sửa nhà
           cho hộ khó khăn.
        3. Chuẩn bị phương án phòng, chống thiên tai trong mùa mưa bão.
        4. Bảo đảm an ninh nông thôn, phòng ngừa tội phạm công nghệ cao và lừa đảo qua mạng.
        5. Nâng cao chất lượng sinh hoạt chi bộ; đẩy mạnh chuyển đổi số trong công tác Đảng.

        ## Tổ chức thực hiện

        Các đảng ủy xã, phường quán triệt Kết luận đến chi bộ, cụ thể hóa thành nhiệm vụ của
        từng đảng viên và báo cáo kết quả về Văn phòng Tỉnh ủy trước ngày 20/12/2026.
    """),
    topics=("Kinh tế - xã hội", "Quốc phòng - an ninh", "An sinh xã hội"),
)

_KH18 = DocumentSeed(
    kind="plan",
    symbol="18-KH/ĐU",
    issuer_code="HY-VA",
    issued_on=_D("2026-02-25"),
    effective_on=_D("2026-02-25"),
    title=(
        "Kế hoạch học tập, quán triệt và thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị "
        "trong Đảng bộ xã Vĩnh An"
    ),
    summary=(
        "Đảng ủy xã Vĩnh An tổ chức cho đảng viên học tập Nghị quyết 57-NQ/TW qua hội nghị "
        "trực tuyến và sinh hoạt chi bộ; mỗi đảng viên nộp thu hoạch trên Sổ tay đảng viên "
        "điện tử."
    ),
    body_markdown=_md("""
        ## 1. Mục đích

        - Giúp mỗi đảng viên hiểu đúng, đầy đủ tinh thần Nghị quyết 57-NQ/TW về khoa học,
          công nghệ, đổi mới sáng tạo và chuyển đổi số.
        - Từ nhận thức chuyển thành việc làm cụ thể ở thôn, cơ quan, trường học.

        ## 2. Hình thức và thời gian

        1. **Hội nghị quán triệt**: tổ chức trực tuyến từ hội trường Đảng ủy đến nhà văn hóa
           các thôn vào sáng ngày 10/03/2026.
        2. **Sinh hoạt chi bộ**: các chi bộ thảo luận Nghị quyết trong kỳ sinh hoạt tháng
           3/2026.
        3. **Tự nghiên cứu**: tài liệu được đăng trên Sổ tay đảng viên điện tử; đảng viên đọc
           và bấm xác nhận đã học tập.
        4. **Thu hoạch**: mỗi đảng viên nộp bài thu hoạch không quá một trang trên Sổ tay
           trước ngày 31/03/2026.

        ## 3. Đảng viên cao tuổi, sức khỏe yếu

        Chi ủy phân công đảng viên trẻ đến tận nhà hỗ trợ; đồng chí không dùng điện thoại
        thông minh được nộp thu hoạch viết tay cho bí thư chi bộ.

        ## 4. Phân công

        - **Văn phòng Đảng ủy**: đăng tài liệu, theo dõi tỷ lệ học tập của từng chi bộ.
        - **Bí thư chi bộ**: giao nhiệm vụ nộp thu hoạch cho đảng viên, duyệt và nhận xét bài.
        - **Đảng ủy viên phụ trách địa bàn**: dự sinh hoạt chi bộ, nắm tình hình tư tưởng.

        ## 5. Chỉ tiêu

        100% chi bộ tổ chức thảo luận; ít nhất 95% đảng viên hoàn thành thu hoạch đúng hạn.
    """),
    topics=("Chuyển đổi số", "Xây dựng Đảng"),
)

_QDI03 = DocumentSeed(
    kind="regulation",
    symbol="03-QĐi/ĐU",
    issuer_code="HY-VA",
    issued_on=_D("2026-01-05"),
    effective_on=_D("2026-01-15"),
    title="Quy định về thu, nộp và quản lý đảng phí trong Đảng bộ xã Vĩnh An",
    summary=(
        "Quy định mức đóng, thời hạn nộp và cách quản lý đảng phí ở các chi bộ trực thuộc "
        "Đảng ủy xã Vĩnh An; khuyến khích nộp đảng phí bằng chuyển khoản."
    ),
    body_markdown=_md("""
        ## Điều 1. Phạm vi áp dụng

        Quy định này áp dụng đối với các chi bộ trực thuộc Đảng ủy xã Vĩnh An và toàn thể
        đảng viên đang sinh hoạt tại các chi bộ đó.

        ## Điều 2. Mức đóng đảng phí

        1. Đảng viên hưởng lương: 1% tiền lương hằng tháng.
        2. Đảng viên hưởng lương hưu: 0,5% mức lương hưu.
        3. Đảng viên khác (nông dân, lao động tự do, kinh doanh): theo mức do Ban Thường vụ
           Tỉnh ủy quy định.
        4. Đảng viên có thể tự nguyện đóng cao hơn mức quy định.

        ## Điều 3. Thời hạn và cách nộp

        - Đảng viên nộp đảng phí hằng tháng cho chi bộ, chậm nhất vào kỳ sinh hoạt chi bộ
          định kỳ.
        - Đảng viên nộp trực tiếp cho đồng chí được chi bộ phân công thu, hoặc chuyển khoản
          vào tài khoản của Đảng ủy xã, ghi rõ họ tên và tên chi bộ.
        - Chi bộ nộp đảng phí về Văn phòng Đảng ủy theo quý, trước ngày 10 của tháng đầu quý
          sau.

        ## Điều 4. Quản lý và công khai

        1. Chi bộ ghi sổ thu đảng phí theo từng đảng viên, từng tháng.
        2. Đồng chí được phân công thu báo cáo chi ủy hằng tháng.
        3. Kết quả thu, nộp được công khai trong sinh hoạt chi bộ mỗi quý.

        ## Điều 5. Xử lý vi phạm

        Đảng viên không đóng đảng phí ba tháng trong năm mà không có lý do chính đáng thì chi
        bộ xem xét, đề nghị xóa tên theo quy định của Điều lệ Đảng.

        ## Điều 6. Hiệu lực

        Quy định có hiệu lực từ ngày 15/01/2026. Văn phòng Đảng ủy hướng dẫn, kiểm tra việc
        thực hiện.
    """),
    topics=("Xây dựng Đảng", "Sinh hoạt chi bộ"),
)

_TB05 = DocumentSeed(
    kind="notice",
    symbol="05-TB/CB",
    issuer_code="HY-VA-01",
    issued_on=_D("2026-09-25"),
    effective_on=_D("2026-09-25"),
    title="Thông báo sinh hoạt chi bộ định kỳ tháng 10 năm 2026",
    summary=(
        "Chi bộ thôn Đông sinh hoạt định kỳ lúc 19 giờ 30, thứ Hai, ngày 05/10/2026 tại Nhà "
        "văn hóa thôn Đông; đề nghị đảng viên đọc trước tài liệu trên Sổ tay."
    ),
    body_markdown=_md("""
        Chi ủy Chi bộ thôn Đông thông báo đến các đồng chí đảng viên trong chi bộ như sau.

        ## Thời gian, địa điểm

        - **Thời gian**: 19 giờ 30, thứ Hai, ngày 05/10/2026.
        - **Địa điểm**: Nhà văn hóa thôn Đông.

        ## Nội dung

        1. Đánh giá kết quả thực hiện nhiệm vụ tháng 9; những việc đảng viên còn chậm hoàn
           thành.
        2. Thảo luận, liên hệ thực tế tài liệu sinh hoạt chi bộ về tư tưởng Hồ Chí Minh về
           thực hành tiết kiệm, chống lãng phí.
        3. Triển khai Kết luận số 31-KL/TU của Ban Thường vụ Tỉnh ủy; bàn việc rà soát hộ
           nghèo, hộ cận nghèo trong thôn.
        4. Thu đảng phí tháng 10 và công khai kết quả thu đảng phí quý III.
        5. Phân công đảng viên tham gia vệ sinh môi trường và giúp người cao tuổi cài đặt
           ứng dụng.

        ## Đề nghị các đồng chí

        - Đọc trước tài liệu đã được gửi trên Sổ tay đảng viên điện tử và bấm xác nhận đã
          học tập.
        - Trả lời giấy mời trên ứng dụng để chi ủy nắm số người dự; nếu vắng, nêu rõ lý do.
        - Mang theo điện thoại để điểm danh tại buổi sinh hoạt.
        - Đồng chí nào cần hỗ trợ đi lại, báo trước cho đồng chí Phó Bí thư chi bộ.

        Chi ủy đề nghị các đồng chí đảng viên tham dự đầy đủ, đúng giờ.
    """),
    topics=("Sinh hoạt chi bộ",),
)

_CV112 = DocumentSeed(
    kind="letter",
    symbol="112-CV/ĐU",
    issuer_code="HY-VA",
    issued_on=_D("2026-08-12"),
    effective_on=_D("2026-08-12"),
    title="Về việc hỗ trợ đảng viên cao tuổi sử dụng Sổ tay đảng viên điện tử",
    summary=(
        "Đảng ủy xã đề nghị Chi bộ thôn Đông và Chi bộ thôn Đoài, hai chi bộ có nhiều đảng "
        "viên cao tuổi, phân công người hỗ trợ tại nhà và báo cáo kết quả trước ngày "
        "15/09/2026."
    ),
    body_markdown=_md("""
        **Kính gửi:** Chi bộ thôn Đông, Chi bộ thôn Đoài.

        Qua theo dõi trên hệ thống, Đảng ủy xã nhận thấy tỷ lệ đảng viên đã đăng nhập và xác
        nhận học tập văn bản ở hai chi bộ còn thấp so với bình quân chung của Đảng bộ. Nguyên
        nhân chủ yếu là nhiều đồng chí đã cao tuổi, mắt kém, chưa quen thao tác trên điện
        thoại thông minh.

        Để không đồng chí nào bị bỏ lại phía sau, Đảng ủy xã đề nghị hai chi bộ:

        1. **Lập danh sách** đảng viên từ 70 tuổi trở lên hoặc chưa đăng nhập lần nào, ghi rõ
           người đã có và chưa có điện thoại thông minh.
        2. **Phân công kèm cặp**: mỗi đảng viên trẻ hoặc đoàn viên thanh niên giúp đỡ từ hai
           đến ba đồng chí cao tuổi, đến tận nhà hướng dẫn.
        3. **Hướng dẫn những thao tác cần thiết nhất**: đăng nhập, phóng to cỡ chữ, mở văn
           bản, bấm xác nhận đã học tập, xem nhiệm vụ được giao.
        4. **Linh hoạt**: đồng chí không thể sử dụng điện thoại vẫn được chi bộ in tài liệu,
           đọc cho nghe trong buổi sinh hoạt; việc học tập được ghi vào biên bản.
        5. **Báo cáo** kết quả về Văn phòng Đảng ủy trước ngày 15/09/2026.

        Văn phòng Đảng ủy sẵn sàng cử cán bộ xuống hỗ trợ khi chi bộ đề nghị. Đề nghị các
        đồng chí bí thư chi bộ quan tâm thực hiện.
    """),
    topics=("Chuyển đổi số", "Sinh hoạt chi bộ"),
    audience_codes=("HY-VA-01", "HY-VA-02"),
)

_NQ07 = DocumentSeed(
    kind="resolution",
    symbol="07-NQ/ĐU",
    issuer_code="HY-SN-CT",
    issued_on=_D("2026-01-15"),
    effective_on=_D("2026-01-15"),
    title=(
        "Nghị quyết của Đảng ủy Công ty về lãnh đạo thực hiện nhiệm vụ sản xuất, kinh doanh "
        "năm 2026"
    ),
    summary=(
        "Đảng ủy Công ty Cổ phần May Phố Hiến đề ra chỉ tiêu và giải pháp lãnh đạo sản xuất, "
        "kinh doanh năm 2026, chăm lo việc làm cho người lao động và xây dựng tổ chức đảng "
        "trong sạch, vững mạnh."
    ),
    body_markdown=_md("""
        ## I. Đánh giá năm 2025

        Công ty giữ ổn định đơn hàng xuất khẩu, bảo đảm việc làm thường xuyên cho người lao
        động; thu nhập bình quân tăng so với năm trước. Tổ chức đảng và các đoàn thể phát huy
        vai trò, phong trào thi đua lao động giỏi được duy trì. Hạn chế: tỷ lệ hàng phải sửa
        còn cao ở một số chuyền may; việc phát triển đảng viên trong công nhân trực tiếp sản
        xuất còn chậm.

        ## II. Mục tiêu năm 2026

        - Doanh thu tăng ít nhất 8% so với năm 2025.
        - Không để người lao động thiếu việc làm; bảo đảm đầy đủ chế độ bảo hiểm.
        - Kết nạp ít nhất 5 đảng viên mới là công nhân trực tiếp sản xuất.
        - 100% đảng viên sử dụng Sổ tay đảng viên điện tử.

        ## III. Nhiệm vụ và giải pháp

        1. Lãnh đạo đổi mới thiết bị, ứng dụng phần mềm quản lý sản xuất, giảm tỷ lệ hàng lỗi.
        2. Phối hợp với Công đoàn chăm lo bữa ăn ca, nhà trọ, nhà trẻ cho con công nhân.
        3. Mỗi đảng viên là tấm gương trong lao động sản xuất và nhận kèm cặp một quần chúng
           ưu tú.
        4. Nâng cao chất lượng sinh hoạt chi bộ ở các phân xưởng, bố trí thời gian phù hợp với
           ca làm việc.
        5. Thực hiện nghiêm an toàn lao động, phòng cháy, chữa cháy.

        ## IV. Tổ chức thực hiện

        Các chi bộ trực thuộc xây dựng chương trình hành động, giao nhiệm vụ cụ thể cho đảng
        viên trên Sổ tay đảng viên điện tử và báo cáo Đảng ủy Công ty hằng quý.
    """),
    topics=("Kinh tế - xã hội", "Xây dựng Đảng"),
)

DOCUMENTS: tuple[DocumentSeed, ...] = (
    _QD204,
    _NQ57,
    _CT05,
    _KH04,
    _HD07,
    _HD12,
    _CT15,
    _TL09,
    _KL31,
    _KH18,
    _QDI03,
    _TB05,
    _CV112,
    _NQ07,
)


def document_by_symbol(symbol: str) -> DocumentSeed:
    return next(d for d in DOCUMENTS if d.symbol == symbol)
