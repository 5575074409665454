// IndexedDB on the device: the write queue, sync state, saved documents and local marks.
// Nothing secret is kept here: the session lives only in the HttpOnly cookie.
const NAME = "sotay";
const VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        // kv: sync cursor, last sync time, warm-up marks. queue: writes made offline.
        // saved: documents the member saved for offline reading. marks: local overlays
        // (e.g. acknowledged while offline) shown until the server confirms.
        if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
        if (!db.objectStoreNames.contains("saved")) db.createObjectStore("saved", { keyPath: "id" });
        if (!db.objectStoreNames.contains("marks")) db.createObjectStore("marks");
      };
      req.onsuccess = () => {
        const db = req.result;
        // Another tab deleting the database (sign-out) must not be blocked by us.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        resolve(db);
      };
      req.onerror = () => reject(req.error);
    });
  }
  return opening;
}

function run(store, mode, fn) {
  return open().then(
    (db) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(store, mode);
        const result = fn(tx.objectStore(store));
        tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
  );
}

export const idb = {
  get: (store, key) => run(store, "readonly", (s) => s.get(key)),
  put: (store, value, key) => run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))),
  del: (store, key) => run(store, "readwrite", (s) => s.delete(key)),
  all: (store) => run(store, "readonly", (s) => s.getAll()),
  count: (store) => run(store, "readonly", (s) => s.count()),
  clear: (store) => run(store, "readwrite", (s) => s.clear()),
};

/** Delete the whole database (sign-out). */
export async function dropDatabase() {
  if (opening) {
    try {
      (await opening).close();
    } catch {
      // It never opened: nothing to close.
    }
  }
  opening = null;
  await new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
