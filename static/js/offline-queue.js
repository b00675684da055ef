/* Điểm Cầu: the scanner's device storage (IndexedDB), so no scan is lost without a connection.
 *
 * Stores:
 *   queue   scans waiting to be sent, keyed by nonce; removed only once the server answered.
 *   roster  the venue's roster snapshot and when it was fetched, keyed "session:venue".
 *   seen    who was checked in through this device, keyed "session:person" (offline duplicates).
 * A lost answer is safe: the server answers a replayed nonce with its first answer.
 * DiemCauStore.named(NAME) opens the same stores in another database (the roll page's queue,
 * static/js/roll.js, keeps its marks apart from the scans this page's sender posts).
 */
(function () {
  "use strict";

  var DB_VERSION = 1;

  function makeStore(DB_NAME) {
  var opening = null;

  function open() {
    if (opening) return opening;
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("queue")) {
          db.createObjectStore("queue", { keyPath: "nonce" }).createIndex("session", "session_id");
        }
        if (!db.objectStoreNames.contains("roster")) db.createObjectStore("roster", { keyPath: "key" });
        if (!db.objectStoreNames.contains("seen")) db.createObjectStore("seen", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
    return opening;
  }

  /* Run fn(store) in one transaction; resolves with fn's request result when it commits. */
  function run(storeName, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var request = fn(tx.objectStore(storeName));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function sessionRange(sessionId) { return IDBKeyRange.only(sessionId); }

  var Store = {
    /* A scan to send: {nonce, session_id, venue_id, token | person_id + method, scanned_at}. */
    enqueue: function (item) {
      return run("queue", "readwrite", function (store) { return store.put(item); });
    },
    /* The oldest waiting scans of a session (up to limit), in the order they were made. */
    waiting: function (sessionId, limit) {
      return run("queue", "readonly", function (store) {
        return store.index("session").getAll(sessionRange(sessionId));
      }).then(function (items) {
        items.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : a.scanned_at > b.scanned_at ? 1 : 0; });
        return limit ? items.slice(0, limit) : items;
      });
    },
    count: function (sessionId) {
      return run("queue", "readonly", function (store) {
        return store.index("session").count(sessionRange(sessionId));
      });
    },
    /* Drop the scans the server has answered. */
    remove: function (nonces) {
      return run("queue", "readwrite", function (store) {
        nonces.forEach(function (nonce) { store.delete(nonce); });
        return null;
      });
    },
    saveRoster: function (sessionId, venueId, people) {
      return run("roster", "readwrite", function (store) {
        return store.put({ key: sessionId + ":" + venueId, people: people, saved_at: new Date().toISOString() });
      });
    },
    loadRoster: function (sessionId, venueId) {
      return run("roster", "readonly", function (store) { return store.get(sessionId + ":" + venueId); });
    },
    /* Remember that a person was checked in (where and when), as this device knows it. */
    markSeen: function (sessionId, personId, venueName, at) {
      return run("seen", "readwrite", function (store) {
        return store.put({ key: sessionId + ":" + personId, venue: venueName, at: at });
      });
    },
    seen: function (sessionId, personId) {
      return run("seen", "readonly", function (store) { return store.get(sessionId + ":" + personId); });
    }
  };

  Store.named = makeStore;
  return Store;
  }

  window.DiemCauStore = makeStore("diemcau-scanner");
})();
