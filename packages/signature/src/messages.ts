/** One finding of a validation, in English and Vietnamese. */
export interface ValidationMessage {
  /** Stable identifier of the finding, e.g. `CERT_EXPIRED`. */
  code: string;
  severity: 'error' | 'warning' | 'info';
  en: string;
  vi: string;
}

type Args = Record<string, string | number | undefined>;
type Template = (a: Args) => { en: string; vi: string };

const T: Record<string, Template> = {
  SIGNATURE_VALID: () => ({ en: 'The signature value is cryptographically valid.', vi: 'Giá trị chữ ký hợp lệ về mặt mật mã.' }),
  SIGNATURE_INVALID: (a) => ({
    en: `The signature value does not verify with the signer's public key${a.detail ? ` (${a.detail})` : ''}.`,
    vi: `Giá trị chữ ký không khớp với khóa công khai của người ký${a.detail ? ` (${a.detail})` : ''}.`,
  }),
  DIGEST_MISMATCH: (a) => ({
    en: `The signed data has been changed: its ${a.what ?? 'digest'} does not match the one that was signed.`,
    vi: `Dữ liệu đã ký bị thay đổi: ${a.what ?? 'giá trị băm'} không khớp với giá trị đã ký.`,
  }),
  FORMAT: (a) => ({ en: `The signature is malformed: ${a.detail}.`, vi: `Chữ ký sai định dạng: ${a.detail}.` }),
  NO_SIGNING_CERTIFICATE: () => ({
    en: 'The signature does not carry the signing certificate.',
    vi: 'Chữ ký không kèm chứng thư số của người ký.',
  }),
  NO_CHAIN: (a) => ({
    en: `No certification path from "${a.subject}" to a configured trust anchor was found${a.detail ? `: ${a.detail}` : ''}.`,
    vi: `Không xây dựng được đường dẫn chứng thực từ "${a.subject}" đến chứng thư gốc tin cậy${a.detail ? `: ${a.detail}` : ''}.`,
  }),
  CHAIN_BUILT: (a) => ({ en: `Certification path of ${a.length} certificates built to "${a.anchor}".`, vi: `Đã xây dựng đường dẫn chứng thực gồm ${a.length} chứng thư đến "${a.anchor}".` }),
  CERT_NOT_YET_VALID: (a) => ({
    en: `Certificate "${a.subject}" is not valid before ${a.notBefore}; the signature time is ${a.time}.`,
    vi: `Chứng thư "${a.subject}" chỉ có hiệu lực từ ${a.notBefore}; thời điểm ký là ${a.time}.`,
  }),
  CERT_EXPIRED: (a) => ({
    en: `Certificate "${a.subject}" expired on ${a.notAfter}, before the signing time ${a.time}.`,
    vi: `Chứng thư "${a.subject}" hết hạn ngày ${a.notAfter}, trước thời điểm ký ${a.time}.`,
  }),
  CERT_OUT_OF_BOUNDS: (a) => ({
    en: `Certificate "${a.subject}" is outside its validity period (${a.notBefore} – ${a.notAfter}) at ${a.time}, and no time-stamp proves the signature existed while it was valid.`,
    vi: `Chứng thư "${a.subject}" nằm ngoài thời hạn hiệu lực (${a.notBefore} – ${a.notAfter}) tại ${a.time}, và không có dấu thời gian chứng minh chữ ký được tạo khi chứng thư còn hiệu lực.`,
  }),
  CERT_REVOKED: (a) => ({
    en: `Certificate "${a.subject}" was revoked on ${a.revokedAt}${a.reason ? ` (${a.reason})` : ''}, before the signing time ${a.time}.`,
    vi: `Chứng thư "${a.subject}" đã bị thu hồi ngày ${a.revokedAt}${a.reason ? ` (${a.reason})` : ''}, trước thời điểm ký ${a.time}.`,
  }),
  CERT_REVOKED_NO_POE: (a) => ({
    en: `Certificate "${a.subject}" was revoked on ${a.revokedAt}; the signature claims an earlier time (${a.time}) but no time-stamp proves it.`,
    vi: `Chứng thư "${a.subject}" đã bị thu hồi ngày ${a.revokedAt}; chữ ký ghi thời điểm sớm hơn (${a.time}) nhưng không có dấu thời gian chứng minh.`,
  }),
  CERT_REVOKED_AFTER_POE: (a) => ({
    en: `Certificate "${a.subject}" was revoked on ${a.revokedAt}, after the time-stamp ${a.time} that proves the signature existed; the signature stays valid.`,
    vi: `Chứng thư "${a.subject}" bị thu hồi ngày ${a.revokedAt}, sau dấu thời gian ${a.time} chứng minh chữ ký đã tồn tại; chữ ký vẫn hợp lệ.`,
  }),
  REVOCATION_GOOD: (a) => ({
    en: `Certificate "${a.subject}" is not revoked (${a.source}${a.cached ? ', cached' : ''}).`,
    vi: `Chứng thư "${a.subject}" chưa bị thu hồi (${a.source}${a.cached ? ', đã lưu đệm' : ''}).`,
  }),
  REVOCATION_UNAVAILABLE: (a) => ({
    en: `Revocation status of "${a.subject}" could not be obtained: ${a.detail}.`,
    vi: `Không lấy được trạng thái thu hồi của chứng thư "${a.subject}": ${a.detail}.`,
  }),
  REVOCATION_SOFT_FAIL: (a) => ({
    en: `Revocation status of "${a.subject}" is unknown; accepted because the revocation policy is soft-fail.`,
    vi: `Chưa rõ trạng thái thu hồi của chứng thư "${a.subject}"; vẫn chấp nhận vì chính sách thu hồi là soft-fail.`,
  }),
  REVOCATION_OFF: () => ({ en: 'Revocation was not checked (revocation mode "off").', vi: 'Không kiểm tra thu hồi (chế độ "off").' }),
  CA_CONSTRAINTS: (a) => ({
    en: `Certificate "${a.subject}" may not issue certificates: ${a.detail}.`,
    vi: `Chứng thư "${a.subject}" không được phép cấp chứng thư: ${a.detail}.`,
  }),
  LEAF_KEY_USAGE: (a) => ({
    en: `Certificate "${a.subject}" is not allowed to ${a.purpose}: ${a.detail}.`,
    vi: `Chứng thư "${a.subject}" không được phép dùng để ${a.purposeVi ?? a.purpose}: ${a.detail}.`,
  }),
  UNKNOWN_CRITICAL_EXTENSION: (a) => ({
    en: `Certificate "${a.subject}" has a critical extension this validator does not understand (${a.oid}).`,
    vi: `Chứng thư "${a.subject}" có phần mở rộng bắt buộc (critical) không được hỗ trợ (${a.oid}).`,
  }),
  WEAK_HASH: (a) => ({
    en: `${a.where} uses ${a.hash}, which the policy does not allow (allowed: ${a.allowed}).`,
    vi: `${a.whereVi ?? a.where} dùng hàm băm ${a.hash}, không được chính sách cho phép (cho phép: ${a.allowed}).`,
  }),
  WEAK_KEY: (a) => ({
    en: `${a.where} has a ${a.detail}, which the policy does not allow (${a.allowed}).`,
    vi: `${a.whereVi ?? a.where} có ${a.detailVi ?? a.detail}, không được chính sách cho phép (${a.allowed}).`,
  }),
  ALGORITHM_NOT_ALLOWED: (a) => ({
    en: `Signature algorithm ${a.alg} is not allowed by the policy (allowed: ${a.allowed}).`,
    vi: `Thuật toán ký ${a.alg} không được chính sách cho phép (cho phép: ${a.allowed}).`,
  }),
  TIMESTAMP_VALID: (a) => ({
    en: `Signature time-stamp by "${a.tsa}" at ${a.time} is valid and is used as the signing time.`,
    vi: `Dấu thời gian của "${a.tsa}" lúc ${a.time} hợp lệ và được dùng làm thời điểm ký.`,
  }),
  TIMESTAMP_INVALID: (a) => ({
    en: `The signature time-stamp is invalid: ${a.detail}.`,
    vi: `Dấu thời gian của chữ ký không hợp lệ: ${a.detail}.`,
  }),
  CLAIMED_TIME_ONLY: (a) => ({
    en: `The signing time ${a.time} is only claimed by the signer (no time-stamp).`,
    vi: `Thời điểm ký ${a.time} chỉ do người ký tự khai (không có dấu thời gian).`,
  }),
  SIGNER_MISMATCH: (a) => ({
    en: `The signer's ${a.field} is ${a.found ?? 'absent from the certificate'}, expected ${a.expected}.`,
    vi: `${a.fieldVi} của người ký là ${a.found ?? 'không có trong chứng thư'}, cần là ${a.expected}.`,
  }),
  PDF_NOT_WHOLE_FILE: () => ({
    en: 'The signature covers a revision of the document; later incremental updates follow it.',
    vi: 'Chữ ký bao phủ một phiên bản của tài liệu; sau đó có các bản cập nhật bổ sung.',
  }),
};

export function message(code: keyof typeof T | string, severity: ValidationMessage['severity'], args: Args = {}): ValidationMessage {
  const template = T[code];
  const text = template ? template(args) : { en: code, vi: code };
  return { code, severity, ...text };
}
