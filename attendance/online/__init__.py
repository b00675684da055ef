"""Those who take part online (có mặt trực tuyến): personal join links and the video
platforms' participant reports, matched to the roster."""
