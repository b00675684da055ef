"""One place that turns domain error codes into messages and HTTP statuses."""

from flask import flash, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext as _l
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from werkzeug.exceptions import HTTPException

from attendance.errors import DomainError, ValidationError

from .i18n import format_number

MESSAGES = {
    # Generic
    "not_found": _l("Không tìm thấy."),
    "forbidden": _l("Bạn không có quyền thực hiện thao tác này."),
    "unauthorized": _l("Cần đăng nhập hoặc mã truy cập (token) hợp lệ."),
    "validation": _l("Dữ liệu chưa hợp lệ, xin kiểm tra lại các trường được đánh dấu."),
    "invalid": _l("Yêu cầu không hợp lệ."),
    "bad_request": _l("Yêu cầu không hợp lệ."),
    "method_not_allowed": _l("Phương thức không được hỗ trợ."),
    "too_large": _l("Tệp hoặc dữ liệu gửi lên quá lớn."),
    "rate_limited": _l("Bạn gửi quá nhiều yêu cầu trong thời gian ngắn. Xin đợi một phút rồi thử lại."),
    "csrf": _l("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Xin tải lại trang và thử lại."),
    "server_error": _l("Đã có lỗi hệ thống. Thao tác chưa được thực hiện; xin thử lại."),
    "database_unavailable": _l("Vừa mất kết nối tới cơ sở dữ liệu. Thao tác chưa được thực "
                               "hiện; xin thử lại sau giây lát."),
    "link_invalid": _l("Liên kết đăng nhập không đúng, đã hết hạn hoặc đã được dùng. Xin Ban "
                       "Tổ chức in lại danh sách tài khoản."),
    # Fields
    "required": _l("Không được để trống."),
    "too_long": _l("Quá dài."),
    "not_a_number": _l("Phải là số nguyên không âm."),
    "negative": _l("Không được là số âm."),
    "bad_date": _l("Ngày không hợp lệ (dd/mm/yyyy)."),
    "bad_time": _l("Giờ không hợp lệ (HH:MM)."),
    "bad_iso_date": _l("Ngày không hợp lệ (yyyy-mm-dd, ví dụ 2026-10-17)."),
    "bad_moment": _l("Thời điểm không hợp lệ (ISO 8601, ví dụ 2026-10-17T07:30:00+07:00)."),
    "ends_before_start": _l("Giờ kết thúc phải sau giờ bắt đầu."),
    "bad_choice": _l("Lựa chọn không hợp lệ."),
    "username_invalid": _l("Tên đăng nhập chỉ gồm chữ, số, dấu chấm, gạch dưới, gạch ngang."),
    "username_taken": _l("Tên đăng nhập đã có người dùng."),
    "role_invalid": _l("Vai trò không hợp lệ."),
    "venue_required": _l("Vai trò này cần gắn với một địa điểm."),
    "unit_required": _l("Vai trò này cần gắn với một đơn vị."),
    "password_too_short": _l("Mật khẩu cần ít nhất 8 ký tự."),
    "password_too_short_organizer": _l("Mật khẩu của người tổ chức cần ít nhất 12 ký tự."),
    "password_too_common": _l("Mật khẩu này quá phổ biến, dễ bị đoán. Xin chọn mật khẩu khác."),
    "bad_credentials": _l("Sai tên đăng nhập hoặc mật khẩu."),
    "sign_in_wait": _l("Đã nhập sai nhiều lần. Xin đợi %(seconds)s giây rồi thử lại."),
    "account_locked_out": _l("Tài khoản tạm khóa do nhập sai quá nhiều lần. Thử lại sau "
                             "%(seconds)s giây hoặc nhờ người tổ chức mở khóa."),
    "bad_second_factor": _l("Mã xác thực không đúng hoặc đã hết hạn."),
    "bad_password": _l("Mật khẩu không đúng."),
    "bad_base_url": _l("Địa chỉ công khai phải bắt đầu bằng https:// hoặc http:// rồi tên máy "
                       "chủ, ví dụ https://diemcau.example.vn."),
    "signer_missing": _l("Chưa biết ai ký văn bản này: đơn vị tổ chức không phải cấp ủy "
                         "hay chi bộ. Hãy nhập \"Chức danh người ký\" (ví dụ T/M BAN THƯỜNG "
                         "VỤ, dòng dưới PHÓ BÍ THƯ) ở trang sửa hội nghị rồi in lại."),
    "second_factor_on": _l("Xác thực hai bước đang bật. Hãy tắt trước khi đăng ký lại."),
    "sign_in_address_blocked": _l("Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Xin "
                                  "đợi ít phút rồi thử lại."),
    "cannot_deactivate_self": _l("Không thể tự khóa tài khoản của chính mình."),
    "name_taken": _l("Tên này đã có trong hội nghị."),
    "in_use": _l("Đang được sử dụng, không thể xóa."),
    "hall_exists": _l("Hội nghị chỉ có một hội trường."),
    "out_of_range": _l("Giá trị vượt quá giới hạn cho phép."),
    "deadline_before_start": _l("Hạn gửi báo cáo không được trước ngày hội nghị."),
    # Result reports, essays, knowledge check (learning outcomes)
    "attended_over_members": _l("Số tham dự không được lớn hơn tổng số đảng viên."),
    "absent_over_members": _l("Tham dự cộng số vắng không được lớn hơn tổng số đảng viên."),
    "over_taught": _l("Không được lớn hơn số đảng viên tham dự cộng số đã học bù."),
    "makeup_over_absent": _l("Số đã học bù không được lớn hơn số vắng."),
    "grades_over_essays": _l("Tổng số bài theo xếp loại lớn hơn số bài thu hoạch đã nộp."),
    "bad_file_type": _l("Kế hoạch hành động phải là tệp PDF hoặc Word (DOCX)."),
    "file_too_large": _l("Tệp quá lớn (tối đa 10 MB)."),
    "bad_scan_type": _l("Bản ký, đóng dấu phải là tệp PDF hoặc ảnh (PNG, JPEG) đọc được."),
    "report_accepted": _l("Báo cáo đã được tiếp nhận, không sửa được nữa."),
    "report_not_submitted": _l("Đơn vị chưa gửi báo cáo."),
    "report_started": _l("%(unit)s đã bắt đầu báo cáo, không bỏ khỏi danh sách được."),
    "comment_required": _l("Cần ghi ý kiến khi trả lại báo cáo để đơn vị bổ sung."),
    "bad_grades": _l("Thang đánh giá cần từ 2 đến 10 mức, không trùng nhau, mỗi mức một dòng."),
    "bad_grade": _l("Xếp loại không có trong thang đánh giá của hội nghị."),
    "person_not_found": _l("Không có người mang họ tên và số điện thoại này trong danh sách."),
    "ambiguous_person": _l("Có nhiều người trùng họ tên và số điện thoại này."),
    "duplicate_row": _l("Trùng người với một dòng phía trên."),
    "not_your_unit": _l("Người này không thuộc đơn vị của bạn."),
    "quiz_no_questions": _l("Cần ít nhất một câu hỏi."),
    "quiz_too_many": _l("Tối đa %(limit)s câu hỏi."),
    "quiz_question": _l("Câu %(number)s: dòng đầu là câu hỏi, mỗi dòng sau là một lựa chọn bắt đầu bằng - (sai) hoặc * (đúng)."),
    "quiz_options": _l("Câu %(number)s: cần từ 2 đến 8 lựa chọn."),
    "quiz_correct": _l("Câu %(number)s: cần đúng một lựa chọn đúng, đánh dấu *."),
    "quiz_answered": _l("Đã có người trả lời, không sửa câu hỏi được nữa."),
    "quiz_empty": _l("Bài kiểm tra chưa có câu hỏi."),
    "quiz_not_open": _l("Bài kiểm tra chưa mở hoặc đã đóng."),
    "quiz_already_answered": _l("Bạn đã nộp bài kiểm tra này rồi; mỗi người chỉ nộp một lần."),
    "quiz_incomplete": _l("Hãy trả lời tất cả các câu hỏi."),
    # Check-in refusals (codes of attendance.checkin.REFUSALS)
    "malformed": _l("Không phải mã QR của hội nghị."),
    "bad_signature": _l("Mã QR giả hoặc đã bị sửa."),
    "revoked": _l("Thẻ này đã bị thu hồi (đã cấp thẻ mới)."),
    "wrong_session": _l("Thẻ của hội nghị khác."),
    "unknown_person": _l("Không có người này trong danh sách hội nghị."),
    "window_closed": _l("Ngoài thời gian điểm danh."),
    "not_allowed_here": _l("Không được điểm danh tại địa điểm này."),
    "wrong_venue_session": _l("Địa điểm không thuộc hội nghị này."),
    "bad_nonce": _l("Thiếu mã lượt quét (nonce)."),
    "bad_batch": _l("Cần danh sách items (1 đến 500 lượt quét)."),
    "bad_citizen_card": _l("Không đọc được mã QR trên căn cước công dân."),
    "ambiguous_citizen": _l("Có nhiều người trùng họ tên và ngày sinh trên căn cước: hãy tìm "
                            "theo tên hoặc số điện thoại."),
    "presence_required": _l("Mã tại chỗ không đúng hoặc đã hết hạn; hãy quét mã trên màn hình."),
    # Self check-in
    "bad_digits": _l("Nhập đúng 4 chữ số cuối của số điện thoại."),
    "self_not_found": _l("Không tìm thấy ai có họ tên và 4 số cuối điện thoại này. Kiểm tra "
                         "lại, hoặc đăng ký dự nếu bạn chưa có tên trong danh sách."),
    "self_ambiguous": _l("Có hơn một người trùng họ tên và số điện thoại này. Xin gặp cán bộ "
                         "đón tiếp tại cửa."),
    "signed_off": _l("Điểm cầu đã ký xác nhận; cần Ban Tổ chức mở lại để sửa."),
    "not_absent_excused": _l("Chỉ sửa được lý do của người vắng có lý do."),
    "bad_kind": _l("Thao tác không được hỗ trợ."),
    # Roster rows
    "missing_name": _l("Thiếu họ và tên."),
    "unknown_category": _l("Thành phần không có trong hội nghị."),
    "unknown_venue": _l("Địa điểm không có trong hội nghị."),
    "category_not_for_venue": _l("Thành phần này không dự tại loại địa điểm đó."),
    "duplicate_person": _l("Trùng người đã có."),
    "bad_phone": _l("Số điện thoại không hợp lệ."),
    "bad_cccd": _l("Số CCCD phải gồm đúng 12 chữ số."),
    "duplicate_cccd": _l("Số CCCD này đã có trong danh sách (hoặc lặp lại trong tệp)."),
    "bad_party_member": _l("Cột Đảng viên phải là có/không."),
    "missing_columns": _l("Thiếu cột bắt buộc."),
    "too_many_columns": _l("Tệp có quá nhiều cột (tối đa %(limit)s cột). Hãy chỉ giữ các cột của mẫu."),
    "unreadable_file": _l("Không đọc được tệp. Hãy dùng tệp CSV (UTF-8) hoặc XLSX."),
    "archive_too_large": _l("Tệp nén chứa quá nhiều dữ liệu hoặc quá nhiều thành phần "
                            "(có thể là tệp hỏng hoặc độc hại), nên không được đọc. Chưa có "
                            "gì thay đổi."),
    "empty_file": _l("Tệp không có dòng dữ liệu nào."),
    "missing_category": _l("Thiếu thành phần."),
    "missing_venue": _l("Thiếu địa điểm."),
    "too_many_rows": _l("Tệp có quá nhiều dòng (tối đa %(limit)s)."),
    "bad_rows": _l("Tệp có %(count)s dòng lỗi nên chưa nhập người nào. Hãy sửa tệp và tải lên lại."),
    "checked_in": _l("Người này đã điểm danh; hãy hủy điểm danh trước."),
    # Units (đơn vị) and their files
    "code_taken": _l("Mã đơn vị đã được dùng."),
    "sibling_name_taken": _l("Đã có đơn vị cùng tên trong cùng cấp trên."),
    "unknown_parent": _l("Mã cấp trên không có trong tệp hay trong hệ thống."),
    "parent_retired": _l("Đơn vị cấp trên đã giải thể."),
    "unit_cycle": _l("Cấp trên vòng lặp: đơn vị không được nằm dưới chính nó."),
    "unit_has_children": _l("Đơn vị còn đơn vị trực thuộc; hãy chuyển hoặc giải thể chúng trước."),
    "missing_code": _l("Thiếu mã đơn vị."),
    "missing_unit_name": _l("Thiếu tên đơn vị."),
    "bad_unit_kind": _l("Loại đơn vị phải là Cấp ủy, Chi bộ, Mặt trận, Đoàn thể hoặc Cơ quan."),
    "bad_members": _l("Số đảng viên phải là số nguyên không âm."),
    "duplicate_code": _l("Mã đơn vị trùng với một dòng phía trên."),
    "unit_not_found": _l("Không có đơn vị này."),
    "venue_not_found": _l("Không có địa điểm này."),
    "unit_outside_scope": _l("Đơn vị nằm ngoài phạm vi bạn quản lý."),
    "not_under_parent_unit": _l("Đơn vị tổ chức phải trực thuộc đơn vị của hội nghị chính."),
    "parent_is_follow_on": _l("Hội nghị chính không được là một lớp ở cơ sở."),
    "session_not_found": _l("Không có hội nghị này."),
    # The member registry, rosters from it, follow-on classes
    "missing_unit": _l("Thiếu mã đơn vị."),
    "unknown_unit": _l("Không có đơn vị mang mã này."),
    "unit_out_of_scope": _l("Đơn vị này nằm ngoài phạm vi bạn quản lý."),
    "ambiguous_unit": _l("Nhiều đơn vị cùng mang tên này; hãy ghi mã đơn vị (cột Mã đơn vị) "
                         "thay cho tên."),
    "same_unit": _l("Đảng viên đang sinh hoạt ở đơn vị này."),
    "member_no_taken": _l("Số thẻ đảng viên này đã có người khác."),
    "unknown_member_no": _l("Không có đảng viên mang số thẻ này trong danh sách đảng viên."),
    "ambiguous_member": _l("Có nhiều đảng viên trùng họ tên, đơn vị và ngày sinh; hãy ghi số thẻ."),
    "bad_birth_date": _l("Ngày sinh không hợp lệ (dd/mm/yyyy)."),
    "bad_status": _l("Tình trạng phải là: đang sinh hoạt, miễn sinh hoạt hoặc chuyển đi."),
    "bad_yes_no": _l("Phải là có/không."),
    "headcount_category": _l("Thành phần này chỉ đếm số lượng, không ghi danh sách."),
    "unit_not_under_parent": _l("Đơn vị phải trực thuộc đơn vị tổ chức hội nghị."),
    "class_before_session": _l("Lớp ở cơ sở không được học trước hội nghị."),
    # Bridge-point roll and make-up study
    "other_venue": _l("Người này thuộc danh sách của địa điểm khác."),
    "checked_in_elsewhere": _l("Người này đã điểm danh tại địa điểm khác; không ghi đè."),
    "not_on_venue_roster": _l("Người này không có trong danh sách của địa điểm này; hãy quét thẻ."),
    "may_not_check_in": _l("Tài khoản này không được điểm danh."),
    "before_session": _l("Ngày học bù không được trước ngày hội nghị."),
    "not_absent": _l("Chỉ ghi học bù cho người vắng mặt."),
    "already_made_up": _l("Có người đã được ghi học bù rồi."),
    # Background jobs
    "export_unavailable": _l("Loại tệp này chưa tạo được trên hệ thống."),
    "job_interrupted": _l("Việc tạo tệp bị dừng giữa chừng. Xin yêu cầu lại."),
    "upload_gone": _l("Tệp đã tải lên không còn trên máy chủ. Xin tải lên lại."),
    "whole_export_too_large": _l("Phiên có %(people)s đại biểu, quá nhiều để in một tệp cho cả "
                                 "phiên (tối đa %(limit)s). Hãy tạo tệp ZIP (mỗi điểm cầu một "
                                 "tệp PDF) hoặc in thẻ/giấy mời theo từng điểm cầu."),
    # Modes of presence: online, exits, closing the roll
    "not_attended": _l("Người này chưa điểm danh có mặt, không ghi ra về được."),
    "exit_before_arrival": _l("Giờ ra về không được trước giờ đến."),
    "exit_in_future": _l("Giờ ra về chưa tới."),
    "exit_other_venue": _l("Người này điểm danh vào ở địa điểm khác; hãy ghi ra về tại đó."),
    "too_short": _l("Thời gian tham dự trực tuyến dưới mức tối thiểu."),
    "session_not_ended": _l("Hội nghị chưa kết thúc; chỉ khóa sổ điểm danh sau giờ kết thúc."),
    "roll_not_closed": _l("Sổ điểm danh chưa khóa."),
    "bad_link": _l("Đường dẫn phải bắt đầu bằng http:// hoặc https://."),
    "online_empty": _l("Tệp không có người tham dự nào."),
    "online_unknown_format": _l("Không nhận ra tệp: cần báo cáo người tham dự của Zoom "
                                "(participants CSV), Google Meet hoặc Microsoft Teams "
                                "(báo cáo điểm danh)."),
    "online_too_large": _l("Tệp quá lớn (tối đa 4 MB, 20.000 người)."),
    "online_encoding": _l("Không đọc được bảng mã của tệp (cần UTF-8 hoặc UTF-16)."),
    "online_bad_rows": _l("Có dòng không đọc được; chưa có gì thay đổi."),
    "online_no_name": _l("Thiếu tên người tham dự."),
    "online_bad_time": _l("Giờ vào hoặc giờ ra không đọc được."),
    "online_bad_duration": _l("Thời lượng không đọc được."),
    "online_unresolved": _l("Còn %(count)s dòng chưa xác định là ai; hãy chọn người hoặc bỏ "
                            "qua từng dòng."),
}

STATUS = {"not_found": 404, "forbidden": 403, "unit_outside_scope": 403, "not_allowed_here": 403,
          "may_not_check_in": 403, "unauthorized": 401, "too_large": 413,
          "method_not_allowed": 405, "rate_limited": 429, "database_unavailable": 503,
          "session_not_ended": 409, "signer_missing": 409,
          "whole_export_too_large": 409}


def message(code: str, **params) -> str:
    text = MESSAGES.get(code)
    if text is None:
        return gettext("Lỗi: %(code)s", code=code)
    text = str(text)
    # Figures as this language writes them: "960.000" in Vietnamese.
    params = {name: format_number(value) if isinstance(value, int)
              and not isinstance(value, bool) else value for name, value in params.items()}
    try:
        return text % params if params else text
    except (KeyError, ValueError, TypeError):
        return text


def field_messages(error: ValidationError) -> dict[str, str]:
    return {field: message(code) for field, code in error.errors.items()}


def put_form_errors(form, error: ValidationError, rename=None) -> None:
    """The one mapping of a service's field errors onto a form: each code's message on the
    field of that name (``rename``: a dict or a function from the service's field name to the
    form's field, or None), and flashed when no field of the form shows it."""
    for name, code in error.errors.items():
        target = rename(name) if callable(rename) else (rename or {}).get(name, name)
        field = getattr(form, target, None) if isinstance(target, str) else target
        text = message(code, **error.params)
        if field is None or not hasattr(field, "errors"):
            flash(text, "error")
            continue
        field.errors = [*(field.errors or []), text]


def status_for(code: str) -> int:
    return STATUS.get(code, 400 if code != "server_error" else 500)


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def json_error(code: str, status: int | None = None, text: str | None = None, **extra):
    body = {"error": {"code": code, "message": text or message(code), **extra}}
    return jsonify(body), status or status_for(code)


def flash_error(error: DomainError) -> None:
    if isinstance(error, ValidationError):
        for text in field_messages(error).values():
            flash(text, "error")
        return
    flash(message(error.code, **error.params), "error")


def database_lost(error: Exception) -> bool:
    """Whether an error means the database cannot be reached now (a 503 to retry), not a bug
    (a 500): a dropped connection, a refused or failed connect, a server shutting down or
    starting up (the DBAPI's OperationalError / InterfaceError), or no pooled connection free
    in time."""
    if isinstance(error, SATimeoutError):
        return True
    return isinstance(error, DBAPIError) and (
        error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError)))


def init_app(app) -> None:
    # A refusal code as the sentence the user reads (the attendance record's scans).
    app.jinja_env.filters["code_message"] = message

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        extra = {"fields": field_messages(error)} if isinstance(error, ValidationError) else {}
        if wants_json():
            return json_error(error.code, text=message(error.code, **error.params), **extra)
        return render_template("error.html", code=error.code,
                               text=message(error.code, **error.params)), status_for(error.code)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                405: "method_not_allowed", 413: "too_large",
                429: "rate_limited"}.get(error.code, "invalid")
        if error.code == 400 and "CSRF" in (error.description or ""):
            code = "csrf"
        # Keep the exception's own headers: Allow on 405 (RFC 9110), WWW-Authenticate, ...
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        if wants_json():
            return *json_error(code, error.code), headers
        return render_template("error.html", code=code, text=message(code)), error.code, headers

    @app.errorhandler(DBAPIError)
    @app.errorhandler(SATimeoutError)
    def database_error(error):
        from . import metrics

        if not database_lost(error):
            metrics.database_error("other")
            return server_error(error)
        metrics.database_error("connection_lost")
        # The database server restarted, dropped the connection, is starting up or cannot be
        # reached at all: the pool has been emptied and the next request connects afresh.
        # Nothing was written; the client may retry.
        app.logger.warning("database unavailable: %s", getattr(error, "orig", error))
        from .extensions import db
        try:
            db.session.rollback()
        except Exception:  # the connection is gone: nothing to roll back
            db.session.close()
        headers = {"Retry-After": "1"}
        # The page must not reach for the database again (the signed-in user's row)
        from flask import g
        from .extensions import login_manager
        g._login_user = login_manager.anonymous_user()
        if wants_json():
            return *json_error("database_unavailable"), headers
        return render_template("error.html", code="database_unavailable",
                               text=message("database_unavailable")), 503, headers

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        app.logger.exception("unhandled error")
        from .extensions import db
        db.session.rollback()
        if wants_json():
            return json_error("server_error", 500)
        return render_template("error.html", code="server_error",
                               text=message("server_error")), 500
