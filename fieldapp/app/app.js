// The inspectors' field app. Offline first: everything the inspector does is written to the phone (IndexedDB)
// at once and queued in an outbox; the outbox is sent with `syncBatch` (and photos one by one to
// /api/evidence) whenever the phone is online. Every operation carries a UUID made here, so a resend after any
// failure creates nothing twice on the server. Nothing leaves the outbox until the server has answered for it.
import * as outbox from "./outbox.js";
import { del, get, gql as outboxGql, set, Unauthenticated, update, uuid } from "./outbox.js";
import { startLive, stopLive } from "./live.js";

const ACCURACY_TARGET_M = 30; // check-in waits for a GPS fix at least this precise (metres)
const GPS_TIMEOUT_MS = 20000; // how long one position request may take
const PHOTO_MAX_SIDE = 2560; // photos are scaled down to this many pixels on their longer side before upload

const TEXT = {
  vi: {
    app: "Kiểm tra CCHC", online: "Trực tuyến", offline: "Mất mạng", visits: "Cuộc kiểm tra", outbox: "Chưa gửi",
    device: "Thiết bị", signIn: "Đăng nhập", username: "Tên đăng nhập", password: "Mật khẩu",
    deviceName: "Tên điện thoại", signInFirst: "Hãy đăng nhập.", otherUser: "Điện thoại còn việc chưa gửi của {user}: chỉ {user} được đăng nhập cho đến khi gửi xong.",
    expired: "Phiên đăng nhập đã hết hạn. Đăng nhập lại để gửi việc còn lại; không mất gì.",
    ready: "Sẵn sàng làm việc khi mất mạng", notReady: "Chưa tải danh sách cuộc kiểm tra", version: "Phiên bản",
    savedAt: "Tải lúc", persisted: "Bộ nhớ bền vững", granted: "đã được cấp", denied: "chưa được cấp (trình duyệt có thể xoá khi thiếu chỗ)",
    space: "Dung lượng còn trống", download: "Tải danh sách cuộc kiểm tra", noVisits: "Không có cuộc kiểm tra nào được giao.",
    periodic: "Định kỳ", surprise: "Đột xuất", planned: "Dự kiến", checkIn: "Điểm danh tại đơn vị",
    startGps: "Lấy vị trí GPS", accuracy: "Độ chính xác", distance: "Khoảng cách tới trụ sở", waitAccuracy: "Đang chờ GPS chính xác tới {m} m…",
    outside: "Bạn đang ở ngoài khu vực trụ sở. Ghi lý do để vẫn điểm danh.", reason: "Lý do", checkedIn: "Đã điểm danh lúc {time}",
    gpsDenied: "Không lấy được vị trí: {why}", checklist: "Bảng kiểm", pass: "Đạt", fail: "Không đạt", na: "Không áp dụng",
    note: "Ghi chú", finding: "Kết luận", recordFinding: "Ghi kết luận", severity: "Mức độ", minor: "Nhẹ", major: "Nặng", critical: "Nghiêm trọng",
    findingText: "Nội dung kết luận", photos: "Ảnh (chụp bằng máy ảnh)", saveFinding: "Lưu kết luận", findingSaved: "Đã lưu kết luận, {n} ảnh.",
    summary: "Tóm tắt", answered: "Đã chấm {done}/{all} tiêu chí, {findings} kết luận.", submit: "Nộp kết quả kiểm tra",
    confirmSubmit: "Nộp? Sau khi nộp không sửa được nữa.", submitted: "Đã nộp. Chỉ xem.", needCheckIn: "Điểm danh trước khi chấm bảng kiểm.",
    nothingUnsent: "Không còn gì chưa gửi.", sendNow: "Gửi ngay", pending: "Đang chờ gửi", failed: "Bị từ chối",
    sentAll: "Đã gửi hết.", willSend: "Sẽ tự gửi khi có mạng.", signOut: "Đăng xuất", signOutRefused: "Còn {n} việc chưa gửi: gửi xong mới đăng xuất được.",
    language: "English", notices: "Thông báo", openFinding: "Mở kết luận để sửa", correction: "Sửa kết luận", newText: "Nội dung mới",
    withdrawInstead: "Rút kết luận này (ghi nhầm)", sendCorrection: "Gửi bản sửa", needsNetwork: "Cần có mạng để gửi bản sửa.",
    corrected: "Đã gửi bản sửa.", photoN: "{n} ảnh", takePhoto: "Chụp ảnh", photoCount: "{n} ảnh đã chọn", withdraw: "Rút kết luận này", withdrawReason: "Lý do rút kết luận (bắt buộc):",
    kinds: { WITHDRAW_FINDING: "Rút kết luận", CHECK_IN: "Điểm danh", ANSWER: "Chấm tiêu chí", FINDING: "Kết luận", EVIDENCE_LINK: "Gắn ảnh", SUBMIT: "Nộp", PHOTO: "Ảnh" },
    back: "‹ Danh sách", unitOf: "Đơn vị", signedInAs: "Đăng nhập: {user}",
    state_saved: "Đã lưu trên máy", state_waiting: "Chờ gửi", state_uploading: "Đang gửi", state_sent: "Đã gửi", state_attention: "Cần xử lý",
    retryAt: "Chưa gửi được, tự thử lại lúc {time}.", photosSent: "Đã gửi {n} ảnh.",
    devices: "Các điện thoại đã đăng nhập", thisPhone: "điện thoại này", revoke: "Đăng xuất máy này", lastUsed: "Dùng lần cuối",
    cctv: "Camera", cctvTitle: "Ảnh camera cần xem xét", cctvOffline: "Cần có mạng để xem và xử lý ảnh camera.",
    cctvEmpty: "Không có ảnh camera nào cần xem xét.", cctvCount: "{n} ảnh, {first} – {last}", confirmFlag: "Xác nhận vi phạm",
    dismissFlag: "Bỏ qua", dismissReason: "Lý do bỏ qua", confirmed: "Đã xác nhận: một kết luận cho {n} ảnh.",
    dismissed: "Đã bỏ qua {n} ảnh.", reasonNeeded: "Ghi lý do trước khi bỏ qua.", noImage: "Không tải được ảnh.",
    live: "Đang nhận thông báo trực tiếp", newNotice: "Thông báo mới",
  },
  en: {
    app: "CCHC inspections", online: "Online", offline: "Offline", visits: "Visits", outbox: "Unsent",
    device: "Device", signIn: "Sign in", username: "Username", password: "Password",
    deviceName: "Phone name", signInFirst: "Sign in first.", otherUser: "This phone holds unsent work of {user}: only {user} may sign in until it is sent.",
    expired: "Your session expired. Sign in again to send what is left; nothing is lost.",
    ready: "Ready to work offline", notReady: "Assignments not downloaded yet", version: "Version",
    savedAt: "Downloaded at", persisted: "Persistent storage", granted: "granted", denied: "not granted (the browser may clear it when short of space)",
    space: "Space left", download: "Download assignments", noVisits: "No visits assigned to you.",
    periodic: "Periodic", surprise: "Surprise", planned: "Planned", checkIn: "Check in at the unit",
    startGps: "Get GPS position", accuracy: "Accuracy", distance: "Distance to the office", waitAccuracy: "Waiting for GPS accurate to {m} m…",
    outside: "You are outside the office's area. Give a reason to check in anyway.", reason: "Reason", checkedIn: "Checked in at {time}",
    gpsDenied: "No position: {why}", checklist: "Checklist", pass: "Pass", fail: "Fail", na: "N/A",
    note: "Note", finding: "Finding", recordFinding: "Record a finding", severity: "Severity", minor: "Minor", major: "Major", critical: "Critical",
    findingText: "What was found", photos: "Photos (from the camera)", saveFinding: "Save finding", findingSaved: "Finding saved, {n} photo(s).",
    summary: "Summary", answered: "{done}/{all} criteria answered, {findings} finding(s).", submit: "Submit the inspection",
    confirmSubmit: "Submit? Nothing can be changed afterwards.", submitted: "Submitted. Read only.", needCheckIn: "Check in before answering the checklist.",
    nothingUnsent: "Nothing left to send.", sendNow: "Send now", pending: "Waiting to be sent", failed: "Refused",
    sentAll: "All sent.", willSend: "Will send by itself when online.", signOut: "Sign out", signOutRefused: "{n} item(s) unsent: send them before signing out.",
    language: "Tiếng Việt", notices: "Notifications", openFinding: "Open the finding to correct it", correction: "Correct a finding", newText: "New text",
    withdrawInstead: "Withdraw it (recorded by mistake)", sendCorrection: "Send the correction", needsNetwork: "Sending a correction needs the network.",
    corrected: "Correction sent.", photoN: "{n} photo(s)", takePhoto: "Take a photo", photoCount: "{n} photo(s) chosen", withdraw: "Withdraw this finding", withdrawReason: "Why is it withdrawn (required)?",
    kinds: { WITHDRAW_FINDING: "Withdrawal", CHECK_IN: "Check-in", ANSWER: "Answer", FINDING: "Finding", EVIDENCE_LINK: "Photo link", SUBMIT: "Submit", PHOTO: "Photo" },
    back: "‹ Visits", unitOf: "Unit", signedInAs: "Signed in: {user}",
    state_saved: "Saved on the phone", state_waiting: "Waiting", state_uploading: "Uploading", state_sent: "Sent", state_attention: "Needs attention",
    retryAt: "Not sent yet; trying again at {time}.", photosSent: "{n} photo(s) sent.",
    devices: "Signed-in phones", thisPhone: "this phone", revoke: "Sign that phone out", lastUsed: "Last used",
    cctv: "Cameras", cctvTitle: "Camera snapshots to review", cctvOffline: "Reviewing camera snapshots needs the network.",
    cctvEmpty: "No camera snapshots to review.", cctvCount: "{n} snapshot(s), {first} – {last}", confirmFlag: "Confirm the breach",
    dismissFlag: "Dismiss", dismissReason: "Why dismiss it", confirmed: "Confirmed: one finding for {n} snapshot(s).",
    dismissed: "{n} snapshot(s) dismissed.", reasonNeeded: "Give a reason before dismissing.", noImage: "The picture could not be loaded.",
    live: "Receiving notifications live", newNotice: "New notification",
  },
};
const AREAS_VI = { DIRECTION: "Chỉ đạo, điều hành", INSTITUTIONS: "Thể chế", PROCEDURES: "Thủ tục hành chính", APPARATUS: "Bộ máy",
  CIVIL_SERVICE: "Công vụ", PUBLIC_FINANCE: "Tài chính công", E_GOVERNMENT: "Chính quyền điện tử", COMMUNICATION: "Thông tin, tuyên truyền" };

let lang = (await get("lang")) || "vi";
let watchId = null;
let bundleError = ""; // why the last download of the assignments failed, shown until one succeeds
let fix = null; // the last GPS fix {latitude, longitude, accuracy, at}
const documents = {};

const t = (key, vars = {}) => {
  const text = TEXT[lang][key] ?? TEXT.vi[key] ?? key;
  return typeof text === "string" ? text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "") : text;
};
const $ = (selector) => document.querySelector(selector);
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const nowIso = () => new Date().toISOString();
const timeText = (iso) => new Date(iso).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { dateStyle: "short", timeStyle: "short" });

// --- the server and the outbox (outbox.js, shared with the service worker) -----------------------------------

async function gql(name, variables = {}) {
  const session = await get("session");
  try {
    return await outboxGql(name, variables, { token: session?.token, lang });
  } catch (error) {
    if (error instanceof Unauthenticated && session?.token) await set("session", { ...session, expired: true });
    throw error;
  }
}

async function enqueue(kind, payload, options = {}) {
  const session = await get("session");
  const item = await outbox.enqueue(kind, payload, { ...options, user: session.username });
  sync();
  return item;
}

// Sends what can be sent (never while offline); a failure schedules its own retry with backoff.
async function sync() {
  const outcome = await outbox.replay({ lang });
  if (outcome.state === "expired" && !$("#login")) route(); // never redraw the sign-in form under the thumb
  else render();
  if (outcome.state !== "sent") outbox.requestBackgroundSync();
}

// --- the assignment bundle ---------------------------------------------------------------------------------

async function downloadBundle() {
  const known = await get("bundle");
  const data = await gql("AssignmentBundle", { knownVersion: known?.version ?? null });
  const bundle = data.assignmentBundle;
  // Notifications come with the bundle, so they are there offline too.
  const notices = (data.notifications?.edges || []).map((edge) => edge.node);
  if (!bundle.unchanged) await set("bundle", { version: bundle.version, visits: bundle.visits, notices, savedAt: nowIso() });
  else await set("bundle", { ...known, notices, savedAt: nowIso() });
  if (navigator.storage?.persist) await set("persisted", await navigator.storage.persist());
}

async function visitOf(visitId) {
  const bundle = await get("bundle");
  return bundle?.visits.find((v) => v.visit.id === visitId);
}

async function localState(visitId) {
  return (await get(`visit:${visitId}`)) || { answers: {}, findings: [], checkedInAt: null, submittedAt: null };
}

async function saveState(visitId, change) {
  await update(`visit:${visitId}`, (state) => ({ ...(state || { answers: {}, findings: [] }), ...change(state || { answers: {}, findings: [] }) }));
}

// --- GPS ---------------------------------------------------------------------------------------------------

function distanceMeters(a, b) {
  const rad = (d) => (d * Math.PI) / 180;
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
}

function startGps() {
  if (watchId !== null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition(
    (p) => { fix = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy, at: new Date(p.timestamp).toISOString() }; render(); },
    (e) => { fix = { error: e.message || String(e.code) }; render(); },
    { enableHighAccuracy: true, maximumAge: 0, timeout: GPS_TIMEOUT_MS });
}

function stopGps() {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
}

// --- photos: scaled on the phone, stamped with where and when they were taken ------------------------------

async function scaled(file) {
  const bitmap = await createImageBitmap(file);
  const ratio = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (ratio === 1 && file.type === "image/jpeg") return file;
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * ratio), Math.round(bitmap.height * ratio));
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.convertToBlob({ type: "image/jpeg", quality: 0.88 });
}

const captures = new WeakMap(); // file input -> [Promise of {capturedAt, latitude, longitude, accuracy}]

function captureMoment() {
  const capturedAt = nowIso();
  return new Promise((resolve) => {
    if (!navigator.geolocation) return resolve({ capturedAt });
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ capturedAt, latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy }),
      () => resolve({ capturedAt }),
      { enableHighAccuracy: true, maximumAge: 0, timeout: GPS_TIMEOUT_MS });
  });
}

// --- screens -----------------------------------------------------------------------------------------------

function setTab(name) {
  for (const a of document.querySelectorAll(".tabs a")) a.classList.toggle("active", a.dataset.tab === name);
}

async function renderNet() {
  const net = $("#net");
  const unsent = await outbox.count();
  net.textContent = navigator.onLine ? t("online") : t("offline"); // the count is on the outbox tab
  net.classList.toggle("offline", !navigator.onLine);
  showLive();
  connectLive();
  $("#title").textContent = t("app");
  $("#tab-visits").textContent = t("visits");
  $("#tab-outbox").textContent = `${t("outbox")} (${unsent})`;
  $("#tab-device").textContent = t("device");
  $("#tab-cctv").textContent = t("cctv");
  document.documentElement.lang = lang;
}

// --- live notifications (live.js): by subscription while online, with the bundle while offline ----------------

/** Opens the live connection when online and signed in, closes it otherwise (called on every redraw). */
async function connectLive() {
  const session = await get("session");
  if (!navigator.onLine || !session?.token || session.expired) return stopLive();
  startLive(session.token, { onNotice: keepNotice, onConnected: refreshNotices, onForbidden: liveRefused });
}

function showLive() {
  const live = document.body.dataset.live === "subscribed";
  $("#net").classList.toggle("live", live);
  $("#net").title = live ? t("live") : "";
}
window.addEventListener("live-state", showLive);

// Notices are kept with the bundle (so they are there offline), newest first, each once.
const keepNotices = (notices) => update("bundle", (bundle) => (bundle ? { ...bundle, notices: notices(bundle.notices || []) } : bundle));

async function keepNotice(notice) {
  await keepNotices((known) => [notice, ...known.filter((n) => n.id !== notice.id)].slice(0, 30));
  toast(notice);
  render();
}

async function refreshNotices() {
  try {
    const data = await gql("Notifications");
    await keepNotices(() => data.notifications.edges.map((edge) => edge.node));
    render();
  } catch { /* fetched again on the next connection; the bundle keeps what it had */ }
}

async function liveRefused() {
  await update("session", (session) => (session ? { ...session, expired: true } : session));
  route();
}

let toastTimer = null;
function toast(notice) {
  const box = $("#toast");
  box.innerHTML = `<strong>${t("newNotice")}: ${esc(notice.title)}</strong><div>${esc(notice.body)}</div>
    ${notice.findingId ? `<a class="button" href="#/correct/${encodeURIComponent(notice.findingId)}">${t("openFinding")}</a>` : ""}`;
  box.hidden = false;
  box.onclick = () => { box.hidden = true; };
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 10_000);
}

async function loginScreen(message = "") {
  const session = await get("session");
  const pending = await outbox.all();
  const owners = await outbox.owners();
  $("#tabs").hidden = true;
  $("#app").innerHTML = `
    <h1>${t("signIn")}</h1>
    ${session?.expired ? `<p class="box warn" role="alert">${t("expired")}</p>` : ""}
    ${message ? `<p class="error" role="alert">${esc(message)}</p>` : ""}
    <form id="login">
      <label for="username">${t("username")}</label>
      <input id="username" name="username" autocomplete="username" autocapitalize="none" required value="${esc(session?.username || "")}">
      <label for="password">${t("password")}</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
      <label for="deviceName">${t("deviceName")}</label>
      <input id="deviceName" name="deviceName" value="${esc(session?.deviceName || navigator.userAgent.split(")")[0].split("(")[1] || "Android")}">
      <button class="primary" type="submit">${t("signIn")}</button>
    </form>
    ${pending.length ? `<p class="muted">${t("outbox")}: ${pending.length}</p>` : ""}
    <p><button type="button" id="lang">${t("language")}</button></p>`;
  $("#lang").onclick = switchLanguage;
  $("#login").onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const username = form.get("username").trim();
    const owner = owners.find((name) => name !== username);
    if (owner) return loginScreen(t("otherUser", { user: owner })); // their unsent work stays theirs
    try {
      await del("session"); // the login call goes without any old token
      const data = await gql("MobileLogin", { username, password: form.get("password"), deviceName: form.get("deviceName") });
      const login = data.mobileLogin;
      if (login.errors.length) {
        if (session) await set("session", session);
        return loginScreen(login.errors[0].message);
      }
      await set("session", { token: login.token, username, lang, deviceName: form.get("deviceName"), deviceId: login.device.id, expiresAt: login.device.expiresAt });
      if (session?.username !== username) { await del("bundle"); }
      await downloadBundle().catch((error) => { bundleError = error.message; });
      location.hash = "#/";
      sync();
      route();
    } catch (error) {
      if (session) await set("session", session);
      loginScreen(error.message);
    }
  };
}

async function readyBox() {
  const bundle = await get("bundle");
  const persisted = await get("persisted");
  let space = "";
  if (navigator.storage?.estimate) {
    const { quota = 0, usage = 0 } = await navigator.storage.estimate();
    space = `${Math.round((quota - usage) / 1048576).toLocaleString()} MB`;
  }
  if (!bundle) return `<div class="box warn" id="ready"><strong>${t("notReady")}</strong>${bundleError ? `<div class="error">${esc(bundleError)}</div>` : ""}</div>`;
  return `<div class="box ok" id="ready"><strong>${t("ready")}</strong>
    <div class="muted">${t("version")}: <span id="bundle-version">${esc(bundle.version.slice(0, 12))}</span> · ${t("savedAt")}: ${timeText(bundle.savedAt)}</div>
    <div class="muted">${t("persisted")}: <span id="persisted">${persisted ? t("granted") : t("denied")}</span></div>
    ${space ? `<div class="muted">${t("space")}: ${space}</div>` : ""}</div>`;
}

async function visitsScreen() {
  setTab("visits");
  const bundle = await get("bundle");
  const items = [];
  for (const { visit } of bundle?.visits || []) {
    const state = await localState(visit.id);
    const status = state.submittedAt ? t("submitted") : state.checkedInAt || visit.checkedInAt ? t("checkedIn", { time: timeText(state.checkedInAt || visit.checkedInAt) }) : `${t("planned")} ${visit.plannedDate}`;
    items.push(`<li><a href="#/visit/${encodeURIComponent(visit.id)}"><span class="tag ${visit.kind === "SURPRISE" ? "surprise" : ""}">${visit.kind === "SURPRISE" ? t("surprise") : t("periodic")}</span>
      <strong>${esc(visit.unit.name)}</strong><div class="muted">${esc(status)}</div></a></li>`);
  }
  $("#app").innerHTML = `${await readyBox()}
    <button type="button" id="download">${t("download")}</button>
    ${noticesBox(bundle?.notices || [])}
    <h1>${t("visits")}</h1>
    ${items.length ? `<ul class="visits">${items.join("")}</ul>` : `<p class="muted">${t("noVisits")}</p>`}`;
  $("#download").disabled = !navigator.onLine;
  $("#download").onclick = async () => {
    try { await downloadBundle(); bundleError = ""; } catch (error) { bundleError = error.message; }
    route();
  };
}

function noticesBox(notices) {
  if (!notices.length) return "";
  return `<section class="box" id="notices"><h2>${t("notices")}</h2><ul class="outbox">${notices.slice(0, 10).map((n) => `<li class="${n.readAt ? "" : "unread"}">
    <strong>${esc(n.title)}</strong><div>${esc(n.body)}</div><div class="muted">${timeText(n.createdAt)}</div>
    ${n.findingId ? `<a class="button" href="#/correct/${encodeURIComponent(n.findingId)}">${t("openFinding")}</a>` : ""}</li>`).join("")}</ul></section>`;
}

// A finding returned for correction (or found wrong after submission): the inspector issues a correction with
// a reason, a new version of it (the old one is kept), or withdraws it. Needs the network (it is not queued).
async function correctScreen(findingId) {
  setTab("visits");
  const bundle = await get("bundle");
  const notice = (bundle?.notices || []).find((n) => n.findingId === findingId);
  const open = (bundle?.visits || []).flatMap((v) => v.openFindings).find((f) => f.id === findingId);
  $("#app").innerHTML = `<p><a href="#/">${t("back")}</a></p><h1>${t("correction")}</h1>
    ${notice ? `<p class="box warn">${esc(notice.title)}<br><span class="muted">${esc(notice.body)}</span></p>` : ""}
    ${open ? `<p>${esc(open.text)}</p>` : ""}
    <form id="correct"><label for="new-text">${t("newText")}</label><textarea id="new-text" name="text">${esc(open?.text || "")}</textarea>
      <label for="correct-reason">${t("reason")}</label><textarea id="correct-reason" name="reason" required></textarea>
      <label class="check"><input type="checkbox" name="withdraw"> ${t("withdrawInstead")}</label>
      <button class="primary" type="submit" ${navigator.onLine ? "" : "disabled"}>${t("sendCorrection")}</button>
      ${navigator.onLine ? "" : `<p class="muted">${t("needsNetwork")}</p>`}</form><p id="correct-result" role="status"></p>`;
  $("#correct").onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const reason = form.get("reason").trim();
    if (!reason) return $("#correct-reason").focus();
    try {
      const { correctFinding } = await gql("CorrectFinding", { id: findingId, reason, text: form.get("text").trim() || null, withdraw: form.get("withdraw") === "on" });
      $("#correct-result").className = correctFinding.errors.length ? "error" : "box ok";
      $("#correct-result").textContent = correctFinding.errors.length ? correctFinding.errors[0].message : t("corrected");
    } catch (error) {
      if (error instanceof Unauthenticated) return route();
      $("#correct-result").className = "error";
      $("#correct-result").textContent = error.message;
    }
  };
}

function criterionText(criterion) { return lang === "vi" ? criterion.textVi : criterion.textEn; }

async function visitScreen(visitId, { quiet = false } = {}) {
  setTab("visits");
  const entry = await visitOf(visitId);
  if (!entry) { location.hash = "#/"; return; }
  const { visit, template } = entry;
  const state = await localState(visitId);
  const checkedInAt = state.checkedInAt || visit.checkedInAt;
  const readOnly = Boolean(state.submittedAt) || visit.status === "SUBMITTED" || visit.status === "CLOSED";
  const fence = visit.unit.geofence;
  let checkIn = "";
  if (checkedInAt) {
    checkIn = `<p class="box ok" id="checked-in">${t("checkedIn", { time: timeText(checkedInAt) })}</p>`;
  } else if (!readOnly) {
    const distance = fix?.latitude != null && fence ? Math.round(distanceMeters(fix, fence)) : null;
    const precise = fix?.accuracy != null && fix.accuracy <= ACCURACY_TARGET_M;
    const outside = distance != null && fence && distance > fence.radiusMeters + (fix.accuracy || 0);
    checkIn = `<section class="box" id="check-in"><h2>${t("checkIn")}</h2>
      ${watchId === null ? `<button type="button" id="gps">${t("startGps")}</button>` : ""}
      ${fix?.error ? `<p class="error" role="alert">${t("gpsDenied", { why: esc(fix.error) })}</p>` : ""}
      ${fix?.accuracy != null ? `<p class="meter">${t("accuracy")}: <strong id="accuracy">${Math.round(fix.accuracy)} m</strong>${distance != null ? ` · ${t("distance")}: <strong id="distance">${distance} m</strong>` : ""}</p>` : ""}
      ${watchId !== null && !precise ? `<p class="muted">${t("waitAccuracy", { m: ACCURACY_TARGET_M })}</p>` : ""}
      ${outside ? `<p class="box warn">${t("outside")}</p><label for="reason">${t("reason")}</label><textarea id="reason"></textarea>` : ""}
      <button class="primary" type="button" id="do-check-in" ${precise ? "" : "disabled"}>${t("checkIn")}</button></section>`;
  }
  const byArea = {};
  for (const criterion of template?.criteria || []) (byArea[criterion.area] ||= []).push(criterion);
  const choice = (code, value, label, cls = "") => {
    const pressed = state.answers[code]?.result === value;
    // A criterion with a finding stays failed (withdraw the finding to answer it otherwise).
    const locked = value !== "fail" && state.findings.some((f) => f.criterionCode === code && !f.withdrawn);
    return `<button type="button" class="${cls}" data-answer="${esc(code)}" data-value="${value}" aria-pressed="${pressed}" ${readOnly || !checkedInAt || locked ? "disabled" : ""}>${label}</button>`;
  };
  const checklist = Object.entries(byArea).map(([area, criteria]) => `<h2>${esc(lang === "vi" ? AREAS_VI[area] || area : area.replace("_", " ").toLowerCase())}</h2>
    ${criteria.map((c) => {
      const finding = state.findings.find((f) => f.criterionCode === c.code && !f.withdrawn);
      const failed = state.answers[c.code]?.result === "fail";
      return `<div class="criterion" id="criterion-${esc(c.code)}"><div><strong>${esc(c.code)}</strong> ${esc(criterionText(c))}</div>
        <div class="choices">${choice(c.code, "pass", t("pass"))}${choice(c.code, "fail", t("fail"), "fail")}${choice(c.code, "not_applicable", t("na"))}</div>
        ${checkedInAt && (!readOnly || state.answers[c.code]?.note) ? `<label class="note">${t("note")}<input type="text" data-note="${esc(c.code)}" value="${esc(state.answers[c.code]?.note || "")}" ${readOnly ? "disabled" : ""}></label>` : ""}
        ${finding ? `<div class="box warn finding"><p>${t("finding")}: ${esc(finding.text)} <span class="muted">(${t("photoN", { n: finding.photoIds.length })})</span></p>
          ${readOnly ? "" : `<button type="button" data-withdraw="${esc(finding.id)}">${t("withdraw")}</button>`}</div>` : ""}
        ${failed && !finding && !readOnly ? findingForm(c) : ""}</div>`;
    }).join("")}`).join("");
  const total = template?.criteria.length || 0;
  const done = Object.values(state.answers).filter((a) => a.result).length;
  // Judged again now, after the awaits above: the inspector may have started typing since this redraw began.
  if (quiet && busy()) return;
  $("#app").innerHTML = `<p><a href="#/">${t("back")}</a></p>
    <h1>${esc(visit.unit.name)}</h1><p class="muted">${esc(visit.unit.address)}</p>
    ${readOnly ? `<p class="box ok" id="read-only">${t("submitted")}</p>` : ""}
    ${checkIn}
    <h2>${t("checklist")}</h2>${!checkedInAt && !readOnly ? `<p class="muted">${t("needCheckIn")}</p>` : ""}${checklist}
    <section class="box" id="summary"><h2>${t("summary")}</h2><p>${t("answered", { done, all: total, findings: state.findings.filter((f) => !f.withdrawn).length })}</p>
    ${readOnly ? "" : `<button class="primary" type="button" id="submit" ${checkedInAt && done === total && total ? "" : "disabled"}>${t("submit")}</button>`}</section>`;

  $("#gps")?.addEventListener("click", () => { startGps(); render(); });
  $("#do-check-in")?.addEventListener("click", async () => {
    const reason = $("#reason")?.value.trim() || "";
    if ($("#reason") && !reason) { $("#reason").focus(); return; }
    const at = nowIso();
    await enqueue("CHECK_IN", { visitId, latitude: fix.latitude, longitude: fix.longitude, accuracy: fix.accuracy, deviceTime: at, ...(reason ? { reason } : {}) });
    await saveState(visitId, () => ({ checkedInAt: at }));
    stopGps();
    render();
  });
  for (const button of document.querySelectorAll("[data-answer]")) {
    button.addEventListener("click", async () => {
      const code = button.dataset.answer;
      const result = button.dataset.value;
      const typed = [...document.querySelectorAll("[data-note]")].find((i) => i.dataset.note === code);
      const note = typed ? typed.value.trim() : (await localState(visitId)).answers[code]?.note || "";
      // The operation first: a page closed in between leaves it queued (the server's answer is what counts).
      await enqueue("ANSWER", { visitId, criterionCode: code, result, ...(note ? { note } : {}) }, { replaceKey: `answer:${visitId}:${code}` });
      await saveState(visitId, (s) => ({ answers: { ...s.answers, [code]: { result, note } } }));
      render();
    });
  }
  // A note is saved with its criterion's answer (sent again with it; before an answer it waits on the phone).
  for (const input of document.querySelectorAll("[data-note]")) {
    input.addEventListener("change", async () => {
      const code = input.dataset.note;
      const note = input.value.trim();
      const answer = (await localState(visitId)).answers[code];
      if (answer?.result) await enqueue("ANSWER", { visitId, criterionCode: code, result: answer.result, ...(note ? { note } : {}) }, { replaceKey: `answer:${visitId}:${code}` });
      await saveState(visitId, (s) => ({ answers: { ...s.answers, [code]: { ...(s.answers[code] || {}), note } } }));
    });
  }
  // A finding recorded by mistake is withdrawn (with a reason) before the visit is submitted; it stays on the
  // server with its reason, and its criterion may then be answered otherwise.
  for (const button of document.querySelectorAll("[data-withdraw]")) {
    button.addEventListener("click", async () => {
      const reason = (prompt(t("withdrawReason")) || "").trim();
      if (!reason) return;
      const findingId = button.dataset.withdraw;
      await enqueue("WITHDRAW_FINDING", { visitId, findingId, reason });
      await saveState(visitId, (s) => ({ findings: s.findings.map((f) => (f.id === findingId ? { ...f, withdrawn: true, reason } : f)) }));
      render();
    });
  }
  for (const form of document.querySelectorAll("form.finding-form")) {
    const input = form.querySelector("input[type=file]");
    // Where and when each photo was taken, asked of the Geolocation API the moment the camera hands it over
    // (browsers strip the GPS from the photo's EXIF).
    input.addEventListener("change", () => {
      captures.set(input, [...input.files].map(() => captureMoment()));
      form.querySelector(".photo-count").textContent = t("photoCount", { n: input.files.length });
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const text = data.get("text").trim();
      if (!text) { form.querySelector("textarea").focus(); return; }
      const findingId = uuid();
      const capturedAt = nowIso();
      const where = fix?.latitude != null ? { latitude: fix.latitude, longitude: fix.longitude } : {};
      const moments = captures.get(input) || [];
      const photos = [];
      for (const [index, file] of [...input.files].entries()) {
        photos.push({ id: uuid(), blob: await scaled(file), meta: await (moments[index] || captureMoment()) });
      }
      const photoIds = photos.map((p) => p.id);
      const session = await get("session");
      const payload = { visitId, findingId, criterionCode: form.dataset.criterion, text, severity: data.get("severity"), capturedAt, ...where, evidenceIds: photoIds };
      await outbox.enqueueFinding(payload, photos, { user: session.username });
      await saveState(visitId, (s) => ({ findings: [...s.findings, { id: findingId, criterionCode: form.dataset.criterion, text, severity: data.get("severity"), photoIds }] }));
      sync();
      route(); // the form is done: redraw now, even though its file input still holds the photos
    });
  }
  $("#submit")?.addEventListener("click", async () => {
    if (!confirm(t("confirmSubmit"))) return;
    await enqueue("SUBMIT", { visitId });
    await saveState(visitId, () => ({ submittedAt: nowIso() }));
    render();
  });
}

function findingForm(criterion) {
  const severities = ["minor", "major", "critical"];
  return `<form class="finding-form box" data-criterion="${esc(criterion.code)}"><h2>${t("recordFinding")}</h2>
    <label>${t("severity")}<select name="severity">${severities.map((s) => `<option value="${s}" ${criterion.defaultSeverity.toLowerCase() === s ? "selected" : ""}>${t(s)}</option>`).join("")}</select></label>
    <label>${t("findingText")}<textarea name="text" required></textarea></label>
    <p class="label">${t("photos")}</p>
    <label class="button camera">${t("takePhoto")}<input type="file" name="photos" accept="image/*" capture="environment" multiple class="hidden-input"></label>
    <span class="photo-count muted" aria-live="polite"></span>
    <button class="primary" type="submit">${t("saveFinding")}</button></form>`;
}

async function outboxScreen() {
  setTab("outbox");
  const items = await outbox.all();
  const status = outbox.lastStatus();
  const sentPhotos = (await outbox.logEntries()).filter((e) => e.kind === "PHOTO" && e.state === "sent").length;
  const stateOf = (i) => i.kind === "PHOTO" ? outbox.photoState(i, items) : i.state === "sending" ? "uploading" : i.state;
  const line = (i) => {
    const state = stateOf(i);
    const detail = state === "attention" ? `<div class="why">${esc(i.error)} <span class="code">${esc(i.code || "")}</span></div>` : "";
    return `<li class="state-${state}" data-kind="${i.kind}" data-state="${state}" data-id="${esc(i.id)}">
      <strong>${t("kinds")[i.kind] || i.kind}</strong> <span class="pill ${state}">${t(`state_${state}`)}</span>
      <div class="muted">${timeText(i.createdAt)}${i.kind === "PHOTO" && i.payload.latitude != null ? ` · GPS ±${Math.round(i.payload.accuracy ?? 0)} m` : ""}</div>${detail}</li>`;
  };
  let banner = "";
  if (status.state === "retry") banner = `<p class="box warn" id="sync-status" role="status">${t("retryAt", { time: new Date(status.retryAt).toLocaleTimeString(lang === "vi" ? "vi-VN" : "en-GB") })} <span class="muted">(${esc(status.message)})</span></p>`;
  else if (status.state === "sent" && !items.length) banner = `<p class="muted" id="sync-status" role="status">${t("sentAll")}</p>`;
  $("#app").innerHTML = `<h1>${t("outbox")}</h1>${banner}
    ${items.length ? `<ul class="outbox">${items.map(line).join("")}</ul>` : `<p class="muted" id="nothing-unsent">${t("nothingUnsent")}</p>`}
    ${sentPhotos ? `<p class="muted" id="photos-sent">${t("photosSent", { n: sentPhotos })}</p>` : ""}
    ${items.length ? `<button class="primary" type="button" id="send" ${navigator.onLine ? "" : "disabled"}>${t("sendNow")}</button><p class="muted">${t("willSend")}</p>` : ""}`;
  $("#send")?.addEventListener("click", async () => {
    // A refused item is tried again only when asked: it may have been refused for a reason that has passed.
    await outbox.retryRefused();
    sync();
  });
}

// CCTV review: the grouped queue of flagged snapshots, each confirmed (one finding on the server, however often
// it is sent) or dismissed with a reason. Online only: the pictures are not kept on the phone.
async function cctvScreen(message = "") {
  setTab("cctv");
  const head = `<h1>${t("cctvTitle")}</h1>${message ? `<p class="box" role="status" id="cctv-result">${esc(message)}</p>` : ""}`;
  if (!navigator.onLine) {
    $("#app").innerHTML = `${head}<p class="box warn" id="cctv-offline" role="status">${t("cctvOffline")}</p>`;
    return;
  }
  let queue;
  try {
    queue = (await gql("SnapshotReviewQueue", { first: 50 })).snapshotReviewQueue;
  } catch (error) {
    if (error instanceof Unauthenticated) return route();
    $("#app").innerHTML = `${head}<p class="box warn" id="cctv-offline" role="status">${t("cctvOffline")}</p>`;
    return;
  }
  const item = (q) => `<li class="snapshot" data-id="${esc(q.snapshot.id)}" data-flag="${esc(q.flag)}">
      <strong>${esc(q.label)}</strong>
      <div class="muted">${esc(q.camera.unit.name)} · ${esc(q.camera.counter)} · ${esc(q.camera.name)}</div>
      <div class="muted">${t("cctvCount", { n: q.count, first: timeText(q.firstAt), last: timeText(q.lastAt) })}</div>
      <img class="snapshot-image" alt="${esc(q.label)}" data-src="${esc(q.snapshot.imageUrl)}">
      <button class="primary" type="button" data-confirm="${esc(q.snapshot.id)}">${t("confirmFlag")}</button>
      <form class="dismiss" data-dismiss="${esc(q.snapshot.id)}">
        <label>${t("dismissReason")} <input name="reason" autocomplete="off"></label>
        <button type="submit">${t("dismissFlag")}</button><span class="error" role="alert"></span>
      </form></li>`;
  $("#app").innerHTML = `${head}${queue.length ? `<ul class="outbox snapshots">${queue.map(item).join("")}</ul>` : `<p class="muted" id="cctv-empty">${t("cctvEmpty")}</p>`}`;
  const session = await get("session");
  for (const img of document.querySelectorAll("img.snapshot-image")) showSnapshot(img, session);
  for (const button of document.querySelectorAll("[data-confirm]")) {
    button.onclick = async () => {
      button.disabled = true;
      const done = await reviewed(() => gql("ConfirmSnapshot", { id: button.dataset.confirm }), (d) => d.confirmSnapshot);
      if (done) cctvScreen(t("confirmed", { n: done.snapshots }));
      else button.disabled = false;
    };
  }
  for (const form of document.querySelectorAll("form[data-dismiss]")) {
    form.onsubmit = async (event) => {
      event.preventDefault();
      const reason = form.elements.reason.value.trim();
      if (!reason) { form.querySelector(".error").textContent = t("reasonNeeded"); return; }
      const done = await reviewed(() => gql("DismissSnapshot", { id: form.dataset.dismiss, reason }), (d) => d.dismissSnapshot, form.querySelector(".error"));
      if (done) cctvScreen(t("dismissed", { n: done.dismissed }));
    };
  }
}

// Sends one review decision; answers its payload, or shows why not (and answers null).
async function reviewed(send, payloadOf, where = null) {
  let payload;
  try {
    payload = payloadOf(await send());
  } catch (error) {
    if (where) where.textContent = navigator.onLine ? error.message : t("cctvOffline");
    return null;
  }
  if (payload.errors?.length) {
    if (where) where.textContent = payload.errors[0].message;
    else cctvScreen(payload.errors[0].message);
    return null;
  }
  return payload;
}

// The picture is fetched with the bearer token (an <img src> could not send it) and shown from a blob.
async function showSnapshot(img, session) {
  try {
    const response = await fetch(img.dataset.src, { headers: { Authorization: `Bearer ${session.token}` }, credentials: "omit" });
    if (!response.ok) throw new Error(String(response.status));
    const url = URL.createObjectURL(await response.blob());
    img.addEventListener("load", () => URL.revokeObjectURL(url), { once: true });
    img.src = url;
  } catch {
    img.replaceWith(Object.assign(document.createElement("p"), { className: "muted", textContent: t("noImage") }));
  }
}

async function deviceScreen(message = "") {
  setTab("device");
  const session = await get("session");
  $("#app").innerHTML = `<h1>${t("device")}</h1>
    <p>${t("signedInAs", { user: esc(session.username) })}</p><p class="muted">${esc(session.deviceName)}</p>
    ${message ? `<p class="error" role="alert" id="sign-out-refused">${esc(message)}</p>` : ""}
    <button type="button" id="lang">${t("language")}</button>
    <button class="primary" type="button" id="sign-out">${t("signOut")}</button>
    <h2>${t("devices")}</h2><ul class="outbox" id="devices"><li class="muted">${navigator.onLine ? "…" : t("offline")}</li></ul>`;
  $("#lang").onclick = switchLanguage;
  if (navigator.onLine) showDevices(session).catch(() => {});
  $("#sign-out").onclick = async () => {
    const unsent = await outbox.count();
    if (unsent) return deviceScreen(t("signOutRefused", { n: unsent }));
    try { await gql("Logout"); } catch { /* the token dies on the server anyway when it expires */ }
    await del("session");
    await del("bundle");
    location.hash = "#/";
    route();
  };
}

// The user's signed-in phones; any other one can be signed out from here (a lost phone, say).
async function showDevices(session) {
  const { myDevices } = await gql("MyDevices");
  const list = $("#devices");
  if (!list) return;
  list.innerHTML = myDevices.filter((d) => !d.revokedAt).map((d) => `<li><strong>${esc(d.deviceName)}</strong>
    ${d.id === session.deviceId ? `<span class="tag">${t("thisPhone")}</span>` : `<button type="button" data-revoke="${esc(d.id)}">${t("revoke")}</button>`}
    <div class="muted">${t("lastUsed")}: ${d.lastUsedAt ? timeText(d.lastUsedAt) : "—"}</div></li>`).join("");
  for (const button of list.querySelectorAll("[data-revoke]")) {
    button.onclick = async () => { await gql("RevokeDevice", { id: button.dataset.revoke }); showDevices(session); };
  }
}

async function switchLanguage() {
  lang = lang === "vi" ? "en" : "vi";
  await set("lang", lang);
  route();
}

// Screens are drawn one at a time, in order: a slow redraw started before a tap never lands after it.
// A quiet redraw (something changed elsewhere: the network, the outbox) never replaces a form being filled.
let drawing = Promise.resolve();
function route(options = {}) {
  const quiet = options.quiet === true;
  drawing = drawing.then(() => draw({ quiet }), () => draw({ quiet }));
  return drawing;
}

/** The inspector is typing or has chosen photos on this screen: it must not be redrawn under them. */
function busy() {
  const active = document.activeElement;
  const typing = active && $("#app").contains(active) && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
  return Boolean(typing || $("#app").querySelector("form.finding-form input[type=file]")?.files.length);
}
window.fieldAppDrawn = () => drawing.then(() => new Promise((resolve) => setTimeout(resolve, 0))); // for tests

async function draw({ quiet = false } = {}) {
  await renderNet();
  const session = await get("session");
  // A quiet redraw queued before the sign-in form was drawn must not wipe what has since been typed into it.
  if (!session?.token || session.expired) return quiet && $("#login") ? undefined : loginScreen();
  $("#tabs").hidden = false;
  const hash = location.hash || "#/";
  if (!hash.startsWith("#/visit/")) stopGps();
  if (hash.startsWith("#/visit/")) return visitScreen(decodeURIComponent(hash.slice(8)), { quiet });
  if (hash.startsWith("#/correct/")) return correctScreen(decodeURIComponent(hash.slice(10)));
  if (hash === "#/outbox") return outboxScreen();
  if (hash === "#/device") return deviceScreen();
  if (hash === "#/cctv") return cctvScreen();
  return visitsScreen();
}

let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    // Never redraw under the inspector's thumb: while they type, only the status bar changes (and the visit
    // screen looks again just before it paints, since a redraw takes a while).
    if (busy() || $("#login")) renderNet();
    else route({ quiet: true });
  });
}

window.addEventListener("hashchange", route);
// The outbox is replayed whenever it may go: the network comes back, the page is shown again (also from the
// back/forward cache), the service worker starts (it says so), or Background Sync fires in the worker.
window.addEventListener("online", () => sync());
window.addEventListener("offline", render);
window.addEventListener("pageshow", () => sync());
outbox.onChange(() => (location.hash === "#/outbox" ? render() : renderNet()));
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("message", (event) => { if (event.data?.type === "replay") sync(); });
  navigator.serviceWorker.register("/app/sw.js", { scope: "/app/", type: "module" });
}
route();
sync(); // the first pageshow may fire before this module has finished loading (it awaits IndexedDB above)
