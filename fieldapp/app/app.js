// The inspectors' field app. Offline first: everything the inspector does is written to the phone (IndexedDB)
// at once and queued in an outbox; the outbox is sent with `syncBatch` (and photos one by one to
// /api/evidence) whenever the phone is online. Every operation carries a UUID made here, so a resend after any
// failure creates nothing twice on the server. Nothing leaves the outbox until the server has answered for it.
import { del, get, set, update } from "./vendor/idb-keyval.js";

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
    language: "English", kinds: { CHECK_IN: "Điểm danh", ANSWER: "Chấm tiêu chí", FINDING: "Kết luận", EVIDENCE_LINK: "Gắn ảnh", SUBMIT: "Nộp", PHOTO: "Ảnh" },
    back: "‹ Danh sách", unitOf: "Đơn vị", signedInAs: "Đăng nhập: {user}",
    devices: "Các điện thoại đã đăng nhập", thisPhone: "điện thoại này", revoke: "Đăng xuất máy này", lastUsed: "Dùng lần cuối",
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
    language: "Tiếng Việt", kinds: { CHECK_IN: "Check-in", ANSWER: "Answer", FINDING: "Finding", EVIDENCE_LINK: "Photo link", SUBMIT: "Submit", PHOTO: "Photo" },
    back: "‹ Visits", unitOf: "Unit", signedInAs: "Signed in: {user}",
    devices: "Signed-in phones", thisPhone: "this phone", revoke: "Sign that phone out", lastUsed: "Last used",
  },
};
const AREAS_VI = { DIRECTION: "Chỉ đạo, điều hành", INSTITUTIONS: "Thể chế", PROCEDURES: "Thủ tục hành chính", APPARATUS: "Bộ máy",
  CIVIL_SERVICE: "Công vụ", PUBLIC_FINANCE: "Tài chính công", E_GOVERNMENT: "Chính quyền điện tử", COMMUNICATION: "Thông tin, tuyên truyền" };

let lang = (await get("lang")) || "vi";
let syncing = false;
let lastSync = null; // {ok: bool, message}
let watchId = null;
let fix = null; // the last GPS fix {latitude, longitude, accuracy, at}
const documents = {};

const t = (key, vars = {}) => {
  const text = TEXT[lang][key] ?? TEXT.vi[key] ?? key;
  return typeof text === "string" ? text.replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? "") : text;
};
const $ = (selector) => document.querySelector(selector);
const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const uuid = () => crypto.randomUUID();
const nowIso = () => new Date().toISOString();
const timeText = (iso) => new Date(iso).toLocaleString(lang === "vi" ? "vi-VN" : "en-GB", { dateStyle: "short", timeStyle: "short" });

// --- the server --------------------------------------------------------------------------------------------

class Unauthenticated extends Error {}

async function operation(name) {
  if (!documents[name]) {
    const response = await fetch(`/app/operations/${name}.graphql`);
    if (!response.ok) throw new Error(`operation ${name}: ${response.status}`);
    documents[name] = await response.text();
  }
  return documents[name];
}

async function gql(name, variables = {}) {
  const session = await get("session");
  const headers = { "Content-Type": "application/json", Accept: "application/json", "Accept-Language": lang };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  const response = await fetch("/graphql/", { method: "POST", headers, credentials: "omit",
    body: JSON.stringify({ query: await operation(name), variables, operationName: name }) });
  const body = await response.json();
  const codes = (body.errors || []).map((e) => e.extensions?.code);
  if (response.status === 401 || codes.includes("UNAUTHENTICATED")) throw new Unauthenticated();
  if (body.errors?.length) throw new Error(body.errors[0].message);
  return body.data;
}

// --- the outbox --------------------------------------------------------------------------------------------

async function outbox() { return (await get("outbox")) || []; }

async function enqueue(kind, payload, { replaceKey } = {}) {
  const item = { id: uuid(), kind, payload, createdAt: nowIso(), status: "pending", replaceKey };
  await update("outbox", (items = []) => {
    // A changed answer that was never sent replaces the unsent one; anything sent or refused stays.
    const kept = replaceKey ? items.filter((i) => !(i.replaceKey === replaceKey && i.status === "pending")) : items;
    return [...kept, item];
  });
  sync();
  return item;
}

async function settle(id, result) {
  await update("outbox", (items = []) => result.ok ? items.filter((i) => i.id !== id)
    : items.map((i) => i.id === id ? { ...i, status: "failed", error: result.error, code: result.code } : i));
}

async function uploadPhoto(item) {
  const session = await get("session");
  const blob = await get(`photo:${item.id}`);
  const form = new FormData();
  form.append("id", item.id);
  form.append("findingId", item.payload.findingId);
  form.append("file", blob, `${item.id}.jpg`);
  const response = await fetch("/api/evidence", { method: "POST", body: form, credentials: "omit",
    headers: { Authorization: `Bearer ${session.token}`, "Accept-Language": lang } });
  if (response.status === 401) throw new Unauthenticated();
  const body = await response.json();
  if (response.ok) { await del(`photo:${item.id}`); return { ok: true }; }
  const error = body.errors?.[0] || {};
  return { ok: false, error: error.message || String(response.status), code: error.code };
}

// Sends everything pending: the batch first (small), then each photo on its own, so one large photo never
// holds back the check-in, the answers or the findings.
async function sync() {
  if (syncing || !navigator.onLine) { render(); return; }
  const session = await get("session");
  if (!session?.token || session.expired) { render(); return; }
  syncing = true;
  try {
    const pending = (await outbox()).filter((i) => i.status === "pending");
    const batch = pending.filter((i) => i.kind !== "PHOTO");
    if (batch.length) {
      const data = await gql("SyncBatch", { sentAt: new Date().toISOString(), operations: batch.map((i) => ({ id: i.id, kind: i.kind, payload: JSON.stringify(i.payload) })) });
      const errors = data.syncBatch.errors || [];
      if (errors.length) throw new Error(errors[0].message);
      for (const result of data.syncBatch.results) {
        const error = result.errors?.[0];
        await settle(result.id, result.ok ? { ok: true } : { ok: false, error: error?.message, code: error?.code });
      }
    }
    for (const photo of pending.filter((i) => i.kind === "PHOTO")) await settle(photo.id, await uploadPhoto(photo));
    lastSync = { ok: true, message: t("sentAll") };
  } catch (error) {
    if (error instanceof Unauthenticated) {
      await set("session", { ...session, expired: true });
      lastSync = { ok: false, message: t("expired") };
    } else {
      lastSync = { ok: false, message: `${t("willSend")} (${error.message})` };
    }
  } finally {
    syncing = false;
    render();
  }
}

// --- the assignment bundle ---------------------------------------------------------------------------------

async function downloadBundle() {
  const known = await get("bundle");
  const data = await gql("AssignmentBundle", { knownVersion: known?.version ?? null });
  const bundle = data.assignmentBundle;
  if (!bundle.unchanged) await set("bundle", { version: bundle.version, visits: bundle.visits, savedAt: nowIso() });
  else await set("bundle", { ...known, savedAt: nowIso() });
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

// --- screens -----------------------------------------------------------------------------------------------

function setTab(name) {
  for (const a of document.querySelectorAll(".tabs a")) a.classList.toggle("active", a.dataset.tab === name);
}

async function renderNet() {
  const net = $("#net");
  const unsent = (await outbox()).length;
  net.textContent = `${navigator.onLine ? t("online") : t("offline")}${unsent ? ` · ${t("outbox")}: ${unsent}` : ""}`;
  net.classList.toggle("offline", !navigator.onLine);
  $("#title").textContent = t("app");
  $("#tab-visits").textContent = t("visits");
  $("#tab-outbox").textContent = `${t("outbox")} (${unsent})`;
  $("#tab-device").textContent = t("device");
  document.documentElement.lang = lang;
}

async function loginScreen(message = "") {
  const session = await get("session");
  const pending = await outbox();
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
    if (pending.length && session?.username && session.username !== username) {
      return loginScreen(t("otherUser", { user: session.username }));
    }
    try {
      await del("session"); // the login call goes without any old token
      const data = await gql("MobileLogin", { username, password: form.get("password"), deviceName: form.get("deviceName") });
      const login = data.mobileLogin;
      if (login.errors.length) {
        if (session) await set("session", session);
        return loginScreen(login.errors[0].message);
      }
      await set("session", { token: login.token, username, deviceName: form.get("deviceName"), deviceId: login.device.id, expiresAt: login.device.expiresAt });
      if (session?.username !== username) { await del("bundle"); }
      await downloadBundle().catch(() => {});
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
  if (!bundle) return `<div class="box warn" id="ready"><strong>${t("notReady")}</strong></div>`;
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
    <h1>${t("visits")}</h1>
    ${items.length ? `<ul class="visits">${items.join("")}</ul>` : `<p class="muted">${t("noVisits")}</p>`}`;
  $("#download").disabled = !navigator.onLine;
  $("#download").onclick = async () => {
    try { await downloadBundle(); } catch (error) { if (error instanceof Unauthenticated) { await update("session", (s) => ({ ...s, expired: true })); } }
    route();
  };
}

function criterionText(criterion) { return lang === "vi" ? criterion.textVi : criterion.textEn; }

async function visitScreen(visitId) {
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
    return `<button type="button" class="${cls}" data-answer="${esc(code)}" data-value="${value}" aria-pressed="${pressed}" ${readOnly || !checkedInAt ? "disabled" : ""}>${label}</button>`;
  };
  const checklist = Object.entries(byArea).map(([area, criteria]) => `<h2>${esc(lang === "vi" ? AREAS_VI[area] || area : area.replace("_", " ").toLowerCase())}</h2>
    ${criteria.map((c) => {
      const finding = state.findings.find((f) => f.criterionCode === c.code);
      const failed = state.answers[c.code]?.result === "fail";
      return `<div class="criterion" id="criterion-${esc(c.code)}"><div><strong>${esc(c.code)}</strong> ${esc(criterionText(c))}</div>
        <div class="choices">${choice(c.code, "pass", t("pass"))}${choice(c.code, "fail", t("fail"), "fail")}${choice(c.code, "not_applicable", t("na"))}</div>
        ${finding ? `<p class="box warn finding">${t("finding")}: ${esc(finding.text)} <span class="muted">(${finding.photoIds.length} 📷)</span></p>` : ""}
        ${failed && !finding && !readOnly ? findingForm(c) : ""}</div>`;
    }).join("")}`).join("");
  const total = template?.criteria.length || 0;
  const done = Object.keys(state.answers).length;
  $("#app").innerHTML = `<p><a href="#/">${t("back")}</a></p>
    <h1>${esc(visit.unit.name)}</h1><p class="muted">${esc(visit.unit.address)}</p>
    ${readOnly ? `<p class="box ok" id="read-only">${t("submitted")}</p>` : ""}
    ${checkIn}
    <h2>${t("checklist")}</h2>${!checkedInAt && !readOnly ? `<p class="muted">${t("needCheckIn")}</p>` : ""}${checklist}
    <section class="box" id="summary"><h2>${t("summary")}</h2><p>${t("answered", { done, all: total, findings: state.findings.length })}</p>
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
      await saveState(visitId, (s) => ({ answers: { ...s.answers, [code]: { result } } }));
      await enqueue("ANSWER", { visitId, criterionCode: code, result }, { replaceKey: `answer:${visitId}:${code}` });
      render();
    });
  }
  for (const form of document.querySelectorAll("form.finding-form")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const text = data.get("text").trim();
      if (!text) { form.querySelector("textarea").focus(); return; }
      const findingId = uuid();
      const capturedAt = nowIso();
      const where = fix?.latitude != null ? { latitude: fix.latitude, longitude: fix.longitude } : {};
      const photoIds = [];
      for (const file of form.querySelector("input[type=file]").files) {
        const photoId = uuid();
        await set(`photo:${photoId}`, await scaled(file));
        photoIds.push(photoId);
      }
      await saveState(visitId, (s) => ({ findings: [...s.findings, { id: findingId, criterionCode: form.dataset.criterion, text, severity: data.get("severity"), photoIds }] }));
      await enqueue("FINDING", { visitId, findingId, criterionCode: form.dataset.criterion, text, severity: data.get("severity"), capturedAt, ...where, evidenceIds: photoIds });
      for (const photoId of photoIds) {
        await update("outbox", (items = []) => [...items, { id: photoId, kind: "PHOTO", payload: { findingId, capturedAt, ...where }, createdAt: nowIso(), status: "pending" }]);
      }
      sync();
      route(); // the form is done: redraw now, even though its file input still holds the photos
    });
  }
  $("#submit")?.addEventListener("click", async () => {
    if (!confirm(t("confirmSubmit"))) return;
    await saveState(visitId, () => ({ submittedAt: nowIso() }));
    await enqueue("SUBMIT", { visitId });
    render();
  });
}

function findingForm(criterion) {
  const severities = ["minor", "major", "critical"];
  return `<form class="finding-form box" data-criterion="${esc(criterion.code)}"><h2>${t("recordFinding")}</h2>
    <label>${t("severity")}<select name="severity">${severities.map((s) => `<option value="${s}" ${criterion.defaultSeverity.toLowerCase() === s ? "selected" : ""}>${t(s)}</option>`).join("")}</select></label>
    <label>${t("findingText")}<textarea name="text" required></textarea></label>
    <label>${t("photos")}<input type="file" name="photos" accept="image/*" capture="environment" multiple></label>
    <button class="primary" type="submit">${t("saveFinding")}</button></form>`;
}

async function outboxScreen() {
  setTab("outbox");
  const items = await outbox();
  $("#app").innerHTML = `<h1>${t("outbox")}</h1>
    ${lastSync ? `<p class="${lastSync.ok ? "muted" : "error"}" id="sync-status" role="status">${esc(lastSync.message)}</p>` : ""}
    ${items.length ? `<ul class="outbox">${items.map((i) => `<li class="${i.status}" data-kind="${i.kind}"><strong>${t("kinds")[i.kind] || i.kind}</strong>
        <span class="muted">${timeText(i.createdAt)}</span><div>${i.status === "failed" ? `${t("failed")}: ${esc(i.error)} <span class="muted">${esc(i.code || "")}</span>` : t("pending")}</div></li>`).join("")}</ul>`
      : `<p class="muted" id="nothing-unsent">${t("nothingUnsent")}</p>`}
    ${items.length ? `<button class="primary" type="button" id="send" ${navigator.onLine ? "" : "disabled"}>${t("sendNow")}</button><p class="muted">${t("willSend")}</p>` : ""}`;
  $("#send")?.addEventListener("click", async () => {
    // A refused item is tried again only when asked: it may have been refused for a reason that has passed.
    await update("outbox", (all = []) => all.map((i) => ({ ...i, status: "pending" })));
    sync();
  });
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
    const unsent = (await outbox()).length;
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

async function route() {
  await renderNet();
  const session = await get("session");
  if (!session?.token || session.expired) return loginScreen();
  $("#tabs").hidden = false;
  const hash = location.hash || "#/";
  if (!hash.startsWith("#/visit/")) stopGps();
  if (hash.startsWith("#/visit/")) return visitScreen(decodeURIComponent(hash.slice(8)));
  if (hash === "#/outbox") return outboxScreen();
  if (hash === "#/device") return deviceScreen();
  return visitsScreen();
}

let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  queueMicrotask(() => {
    renderQueued = false;
    // Never redraw under the inspector's thumb: while they type, only the status bar changes.
    const active = document.activeElement;
    const typing = active && $("#app").contains(active) && ["INPUT", "TEXTAREA", "SELECT"].includes(active.tagName);
    if (typing || $("#app").querySelector("form.finding-form input[type=file]")?.files.length) renderNet();
    else route();
  });
}

window.addEventListener("hashchange", route);
window.addEventListener("online", () => sync());
window.addEventListener("offline", render);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" });
route();
sync();
