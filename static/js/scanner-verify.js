/* Điểm Cầu scanner: verifying a card on the device, before any server answer.
 *
 * The roster snapshot carries, for each person, the SHA-256 (first 128 bits, hex) of their live
 * card token ("card_digest", see attendance/checkin/tokens.py). A scanned code is that person's
 * card only if its digest matches: a forged or altered code does not, and neither does a card
 * of an older version (reissued, so revoked). The signing key never leaves the server and the
 * digest gives no way to make a card. Anything the device cannot decide (no snapshot entry, a
 * card newer than the snapshot, no WebCrypto) is "unverified" and left to the server.
 */
(function () {
  "use strict";

  var DIGEST_HEX = 32;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  /* Resolves "ok", "revoked", "bad_signature" or "unverified". ``version`` is the card's. */
  function card(token, version, person) {
    var subtle = window.crypto && window.crypto.subtle;
    if (!person || !person.card_digest || !subtle || !window.TextEncoder) {
      return Promise.resolve("unverified");
    }
    if (version < person.card_version) return Promise.resolve("revoked");
    if (version > person.card_version) return Promise.resolve("unverified"); // reissued since
    return subtle.digest("SHA-256", new TextEncoder().encode(token)).then(function (digest) {
      return hex(digest).slice(0, DIGEST_HEX) === person.card_digest ? "ok" : "bad_signature";
    }, function () { return "unverified"; });
  }

  window.DiemCauVerify = { card: card };
})();
