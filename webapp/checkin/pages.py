"""The scanner station page (trạm quét) and its service worker."""

import hashlib
from pathlib import Path

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from attendance import permissions
from attendance.checkin import rule
from attendance.models import ATTENDED, Attendance

from ..errors import message
from ..extensions import db
from ..loading import session_or_404

# What the service worker keeps so the station page and the roll page reload without a
# connection.
SHELL_ASSETS = ("vendor/pico/pico.red.min.css", "css/app.css", "vendor/jsqr/jsQR.js",
                "js/offline-queue.js", "js/sync.js", "js/scanner.js", "js/scanner-sync.js",
                "js/scanner-people.js", "js/roll.js", "js/roll-counts.js", "js/roll-search.js",
                "js/confirm.js", "js/scanner-citizen.js", "js/scanner-verify.js",
                "js/scanner-exits.js")


@login_required
def scan(session_id: int):
    session = session_or_404(current_user, session_id)
    venues = [v for v in session.venues if permissions.can_check_in_at(current_user, v, session)]
    if not venues:
        abort(403)
    may_pick = permissions.may_pick_venue(current_user, session)
    venue_id = request.args.get("venue_id", type=int)
    venue = next((v for v in venues if v.id == venue_id), None)
    if not may_pick:
        if venue_id is not None and venue is None:
            abort(403)  # staff and coordinators scan at their own venue only
        venue = venues[0]
    elif venue is None:
        if venue_id is not None:
            abort(404)
        return render_template("checkin/pick_venue.html", session=session, venues=venues)
    checked_in = db.session.scalar(
        select(func.count()).select_from(Attendance)
        .where(Attendance.session_id == session.id, Attendance.venue_id == venue.id,
               Attendance.status.in_(ATTENDED)))
    return render_template("checkin/scan.html", session=session, venue=venue,
                           categories=session.categories_for(venue.kind),
                           category_names={str(c.id): c.name for c in session.categories},
                           venue_names={str(v.id): v.name for v in session.venues},
                           checked_in=checked_in, may_pick=may_pick,
                           ends_at=rule.session_end(session),
                           messages=scanner_messages())


def scanner_messages() -> dict:
    """What the page's scripts say, translated here (JS has no gettext); %(name)s stays."""
    return {
        "present": _("Có mặt"), "late": _("Đi muộn"),
        "already": _("Đã điểm danh tại %(venue)s lúc %(time)s"),
        "pending": _("chờ gửi"),
        "unknown_name": _("Chưa có tên trong danh sách trên máy này; máy chủ sẽ kiểm tra."),
        "unverified": _("Chưa xác minh"),
        "unverified_detail": _("Máy chưa kiểm tra được thẻ này (thẻ mới cấp?); máy chủ sẽ "
                               "kiểm tra."),
        "revoked": message("revoked"), "bad_signature": message("bad_signature"),
        "refused_later": _("Máy chủ từ chối lượt quét của %(name)s: %(reason)s"),
        "malformed": _("Không phải mã QR của hội nghị."),
        "wrong_session": _("Thẻ của hội nghị khác."),
        "offline": _("Mất kết nối — %(n)s lượt đang chờ gửi"),
        "sending": _("Đang gửi %(n)s lượt…"),
        "online": _("Đã kết nối — mọi lượt đã gửi"),
        "signed_out": _("Phiên đăng nhập đã hết hạn: hãy đăng nhập lại "
                        "(các lượt quét vẫn được giữ trên máy)."),
        "server_error": _("Máy chủ chưa nhận được; sẽ thử gửi lại."),
        "camera_off": _("Không mở được camera. Hãy cho phép dùng camera, "
                        "hoặc tìm theo tên ở dưới."),
        "camera_on": _("Đưa mã QR vào khung hình"),
        "roster": _("Danh sách trên máy: %(n)s người, cập nhật lúc %(time)s"),
        "roster_none": _("Chưa tải được danh sách; cần kết nối mạng một lần."),
        "no_match": _("Không tìm thấy."),
        "checked_in_mark": _("đã điểm danh"),
        "checked_in_at": _("đã điểm danh %(time)s · %(venue)s"),
        "ready": _("Sẵn sàng quét"),
        "invited_at": _("Được mời tại %(venue)s"),
        "confirm_pick": _("Điểm danh %(name)s?"),
        "confirm_again": _("%(name)s đã điểm danh lúc %(time)s. Vẫn ghi lại?"),
        "confirm_yes": _("Xác nhận điểm danh"),
        "cancel": _("Hủy"),
        "required": message("required"),
        "choose_category": _("Chọn thành phần."),
        "walkin_offline": _("Đăng ký người mới cần kết nối mạng. Hãy thử lại khi có mạng."),
        # a citizen ID card (static/js/scanner-citizen.js)
        "citizen_checking": _("Căn cước công dân: đang tìm trong danh sách"),
        "citizen_detail": _("Ngày sinh %(date)s; máy chủ sẽ kiểm tra."),
        "bad_citizen_card": message("bad_citizen_card"),
        "citizen_unknown": _("Không có trong danh sách: đăng ký người đến theo căn cước bên dưới."),
        "citizen_from": _("Theo căn cước công dân: ngày sinh %(date)s, số CCCD …%(last)s "
                          "(chỉ lưu dạng mã hóa)."),
        # the exit mode (static/js/scanner-exits.js)
        "ready_exit": _("Sẵn sàng ghi ra về"),
        "exit_done": _("Đã ghi ra về lúc %(time)s"),
        "exit_early": _("(về sớm)"),
        "exit_minutes": _("Có mặt %(n)s phút"),
        "exit_unchecked": _("Máy này chưa thấy người này điểm danh vào"),
        "exit_server_checks": _("Máy chủ sẽ kiểm tra khi nhận được."),
        "exit_came_elsewhere": _("Điểm danh vào tại %(venue)s"),
        "exit_replaced": _("Đã ra về lúc %(time)s trước đó: lượt này thay lượt trước"),
        "exit_refused_later": _("Máy chủ từ chối lượt ra về của %(name)s: %(reason)s"),
        "exit_no_citizen": _("Ghi ra về bằng thẻ dự hội nghị hoặc tìm theo tên, không bằng "
                             "căn cước."),
        "confirm_exit": _("Ghi %(name)s ra về?"),
        "confirm_exit_yes": _("Xác nhận ra về"),
    }


def service_worker():
    """static/sw.js from the site root (its scope), stamped with a version of static/."""
    static = Path(current_app.static_folder)
    source = (static / "sw.js").read_text(encoding="utf-8")
    # The worker serves every /static/ file cache-first: any change there must renew the cache.
    digest = hashlib.sha256(source.encode())
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(static)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    assets = ", ".join(f'"{url_for("static", filename=a)}"' for a in SHELL_ASSETS)
    body = (source.replace("__VERSION__", digest.hexdigest()[:12])
            .replace('"__ASSETS__"', assets))
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8",
                       "Cache-Control": "no-cache", "Service-Worker-Allowed": "/"}
