//! EasySlip v2 `POST /verify/bank`: Thai bank slips verified against the
//! bank's own record. The response types follow `VerifyBankResponse` of the
//! provider's documentation field by field; amounts are read exactly.

use base64::Engine as _;
use chrono::DateTime;
use recon_core::{
    AccountMask, Currency, Decimal, Evidence, FieldSource, Money, Party, Provider, Proxy,
    ProxyKind, Slip, SlipField, TransRef, thai_bank,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::config::{EasySlipConfig, EasySlipUpload};
use crate::http::{Answer, Endpoint};
use crate::wire::{Body, Num, Text, image_format, with_raw};
use crate::{Credentials, OcrError, Secret};

const P: Provider = Provider::Easyslip;

// ---------------------------------------------------------------- response

/// The whole body, success or error.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBankResponse<'a> {
    pub success: bool,
    #[serde(borrow, default)]
    pub data: Option<VerifyBankData<'a>>,
    #[serde(borrow, default)]
    pub message: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub error: Option<ErrorBody<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ErrorBody<'a> {
    #[serde(borrow)]
    pub code: Text<'a>,
    #[serde(borrow, default)]
    pub message: Text<'a>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifyBankData<'a> {
    #[serde(borrow, default)]
    pub remark: Option<Text<'a>>,
    #[serde(default)]
    pub is_duplicate: bool,
    #[serde(borrow, default)]
    pub matched_account: Option<MatchedAccount<'a>>,
    #[serde(default)]
    pub amount_in_order: Option<Num>,
    #[serde(default)]
    pub amount_in_slip: Option<Num>,
    #[serde(default)]
    pub is_amount_matched: Option<bool>,
    #[serde(borrow)]
    pub raw_slip: RawSlip<'a>,
}

#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedAccount<'a> {
    #[serde(borrow)]
    pub bank: MatchedBank<'a>,
    #[serde(borrow, default)]
    pub name_th: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub name_en: Option<Text<'a>>,
    /// `PERSONAL` or `JURISTIC`.
    #[serde(borrow, rename = "type", default)]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub bank_number: Option<Text<'a>>,
}

impl MatchedAccount<'_> {
    /// The same account, no longer borrowing the body.
    pub fn into_owned(self) -> MatchedAccount<'static> {
        let own = |t: Option<Text>| t.map(Text::into_owned);
        MatchedAccount {
            bank: MatchedBank {
                name_th: own(self.bank.name_th),
                name_en: own(self.bank.name_en),
                code: own(self.bank.code),
                short_code: own(self.bank.short_code),
            },
            name_th: own(self.name_th),
            name_en: own(self.name_en),
            kind: own(self.kind),
            bank_number: own(self.bank_number),
        }
    }
}

impl std::fmt::Debug for MatchedAccount<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Debug output ends up in logs: the account number stays masked.
        f.debug_struct("MatchedAccount")
            .field("bank", &self.bank)
            .field("kind", &self.kind)
            .field(
                "bank_number",
                &self.bank_number.as_deref().map(recon_core::mask::account),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MatchedBank<'a> {
    #[serde(borrow, default)]
    pub name_th: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub name_en: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub code: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub short_code: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RawSlip<'a> {
    #[serde(borrow, default)]
    pub payload: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub trans_ref: Option<Text<'a>>,
    /// ISO 8601 with offset.
    #[serde(borrow, default)]
    pub date: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub country_code: Option<Text<'a>>,
    #[serde(borrow)]
    pub amount: SlipAmount<'a>,
    #[serde(default)]
    pub fee: Option<Num>,
    #[serde(borrow, default)]
    pub ref1: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub ref2: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub ref3: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub sender: Option<SlipParty<'a>>,
    #[serde(borrow, default)]
    pub receiver: Option<SlipParty<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SlipAmount<'a> {
    pub amount: Num,
    #[serde(borrow, default)]
    pub local: Option<LocalAmount<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LocalAmount<'a> {
    #[serde(default)]
    pub amount: Option<Num>,
    #[serde(borrow, default)]
    pub currency: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SlipParty<'a> {
    #[serde(borrow, default)]
    pub bank: Option<SlipBank<'a>>,
    #[serde(borrow, default)]
    pub account: Option<SlipAccount<'a>>,
    /// Receiver only.
    #[serde(borrow, default)]
    pub merchant_id: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SlipBank<'a> {
    #[serde(borrow, default)]
    pub id: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub short: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SlipAccount<'a> {
    #[serde(borrow, default)]
    pub name: Option<SlipName<'a>>,
    #[serde(borrow, default)]
    pub bank: Option<TypedAccount<'a>>,
    #[serde(borrow, default)]
    pub proxy: Option<TypedAccount<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SlipName<'a> {
    #[serde(borrow, default)]
    pub th: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub en: Option<Text<'a>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TypedAccount<'a> {
    /// `BANKAC`/`TOKEN`/`DUMMY` for bank accounts, `NATID`/`MSISDN`/… for proxies.
    #[serde(borrow, rename = "type", default)]
    pub kind: Option<Text<'a>>,
    #[serde(borrow, default)]
    pub account: Option<Text<'a>>,
}

/// A verified slip with EasySlip's checks beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub slip: Slip,
    pub is_duplicate: bool,
    /// The registered account the receiver matched (`matchAccount`), as
    /// EasySlip gives it; `None` when no account matched or none was asked.
    pub matched_account: Option<MatchedAccount<'static>>,
    pub amount_in_order: Option<Decimal>,
    pub amount_in_slip: Option<Decimal>,
    pub is_amount_matched: Option<bool>,
}

// ---------------------------------------------------------------- mapping

/// Maps an error body's code to its typed error. `status` is the HTTP status
/// when there was an exchange, else the documented one for the code.
pub(crate) fn error_for(status: Option<u16>, err: &ErrorBody) -> OcrError {
    let message = err.message.to_string();
    match &*err.code {
        "VALIDATION_ERROR" => OcrError::Validation {
            provider: P,
            status: status.unwrap_or(400),
            code: err.code.to_string(),
            message,
        },
        "SLIP_NOT_FOUND" => OcrError::SlipNotFound {
            provider: P,
            status: status.unwrap_or(404),
            message,
        },
        "QUOTA_EXCEEDED" => OcrError::QuotaExceeded {
            provider: P,
            status: status.unwrap_or(403),
            message,
        },
        _ if matches!(status, Some(401)) => OcrError::Unauthorized {
            provider: P,
            status: 401,
            message,
        },
        _ => OcrError::Provider {
            provider: P,
            status: status.unwrap_or(0),
            code: err.code.to_string(),
            message,
        },
    }
}

/// A body (saved or just received) into a verification.
pub(crate) fn interpret(body: &Body<'_>) -> Result<Verification, OcrError> {
    let (slip, data) = read(body)?;
    Ok(Verification {
        slip,
        is_duplicate: data.is_duplicate,
        matched_account: data.matched_account.map(MatchedAccount::into_owned),
        amount_in_order: data.amount_in_order.map(|n| n.0),
        amount_in_slip: data.amount_in_slip.map(|n| n.0),
        is_amount_matched: data.is_amount_matched,
    })
}

/// A parsed body into its slip alone: what a saved body is read for
/// (EasySlip's own checks are not kept, so nothing is copied out of them).
pub(crate) fn slip_of(body: &Body<'_>, resp: VerifyBankResponse<'_>) -> Result<Slip, OcrError> {
    checked(body, resp).map(|(slip, _)| slip)
}

fn read<'a>(body: &Body<'a>) -> Result<(Slip, VerifyBankData<'a>), OcrError> {
    checked(body, body.json()?)
}

fn checked<'a>(
    body: &Body<'_>,
    resp: VerifyBankResponse<'a>,
) -> Result<(Slip, VerifyBankData<'a>), OcrError> {
    let ok_status = body.status.is_none_or(|s| (200..300).contains(&s));
    if !resp.success || !ok_status {
        return Err(match &resp.error {
            Some(err) => error_for(body.status, err),
            None => body.malformed("an unsuccessful answer without an error object"),
        });
    }
    let data = resp
        .data
        .ok_or_else(|| body.malformed("success without data"))?;
    let slip = to_slip(&data)?;
    Ok((slip, data))
}

fn to_slip(data: &VerifyBankData) -> Result<Slip, OcrError> {
    let r = &data.raw_slip;
    let mut slip = Slip::empty(P);
    let given = |f: SlipField, slip: &mut Slip| {
        slip.evidence.insert(
            f,
            Evidence {
                source: FieldSource::Provider,
                confidence: None,
            },
        );
    };

    slip.amount = Some(slip_amount(r)?);
    given(SlipField::Amount, &mut slip);
    if let Some(fee) = r.fee {
        slip.fee = Some(money(fee.0, Currency::Thb, "rawSlip.fee")?);
        given(SlipField::Fee, &mut slip);
    }
    if let Some(date) = r.date.as_deref().filter(|d| !d.trim().is_empty()) {
        let at = DateTime::parse_from_rfc3339(date.trim()).map_err(|e| OcrError::Field {
            provider: P,
            field: "rawSlip.date",
            value: date.to_string(),
            reason: format!("not ISO 8601 with offset: {e}"),
        })?;
        slip.transferred_at = Some(at);
        given(SlipField::TransferredAt, &mut slip);
    }
    if let Some(t) = r.trans_ref.as_deref().and_then(TransRef::new) {
        slip.trans_ref = Some(t);
        given(SlipField::TransRef, &mut slip);
    }
    slip.qr_payload = r
        .payload
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string);
    let refs: Vec<&str> = [&r.ref1, &r.ref2, &r.ref3]
        .into_iter()
        .filter_map(|x| x.as_deref().map(str::trim).filter(|x| !x.is_empty()))
        .collect();
    // Bill-payment references are where a payer's order number ends up.
    slip.remark = (!refs.is_empty()).then(|| refs.join(" "));

    if let Some(p) = &r.sender {
        slip.sender = party(p);
        mark_party(&mut slip, true);
    }
    if let Some(p) = &r.receiver {
        slip.receiver = party(p);
        mark_party(&mut slip, false);
    }
    Ok(slip)
}

/// `amount.amount` is the baht amount of a Thai transfer. For a cross-border
/// slip (`countryCode` other than TH) the receiver got `amount.local` in its
/// own currency, which is what its statement will show.
fn slip_amount(r: &RawSlip) -> Result<Money, OcrError> {
    let foreign = r
        .country_code
        .as_deref()
        .is_some_and(|c| !c.trim().eq_ignore_ascii_case("TH") && !c.trim().is_empty());
    if foreign
        && let Some(local) = &r.amount.local
        && let (Some(a), Some(c)) = (local.amount, local.currency.as_deref())
    {
        let currency = c.parse::<Currency>().map_err(|_| OcrError::Field {
            provider: P,
            field: "rawSlip.amount.local.currency",
            value: c.to_string(),
            reason: "not a currency Recon handles".into(),
        })?;
        return money(a.0, currency, "rawSlip.amount.local.amount");
    }
    money(r.amount.amount.0, Currency::Thb, "rawSlip.amount.amount")
}

fn money(amount: Decimal, currency: Currency, field: &'static str) -> Result<Money, OcrError> {
    Money::checked(amount, currency).map_err(|e| OcrError::Field {
        provider: P,
        field,
        value: amount.to_string(),
        reason: e.to_string(),
    })
}

fn party(p: &SlipParty) -> Party {
    let clean = |s: &Option<Text>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut out = Party::default();
    if let Some(b) = &p.bank {
        out.bank = clean(&b.short).map(|s| s.to_ascii_uppercase()).or_else(|| {
            clean(&b.id)
                .and_then(|id| thai_bank(&id))
                .map(|b| b.short.to_string())
        });
    }
    if let Some(acc) = &p.account {
        if let Some(n) = &acc.name {
            let th = clean(&n.th);
            let en = clean(&n.en);
            match th {
                Some(th) => {
                    out.name = Some(th);
                    out.alt_name = en;
                }
                None => out.name = en,
            }
        }
        out.account = acc
            .bank
            .as_ref()
            .and_then(|b| clean(&b.account))
            .map(AccountMask::new);
        out.proxy = acc.proxy.as_ref().and_then(|x| {
            let kind = match x.kind.as_deref()?.trim().to_ascii_uppercase().as_str() {
                "NATID" => ProxyKind::Natid,
                "MSISDN" => ProxyKind::Msisdn,
                "EWALLETID" => ProxyKind::Ewalletid,
                "EMAIL" => ProxyKind::Email,
                "BILLERID" => ProxyKind::Billerid,
                _ => return None,
            };
            Some(Proxy {
                kind,
                value: AccountMask::new(clean(&x.account)?),
            })
        });
    }
    out
}

fn mark_party(slip: &mut Slip, sender: bool) {
    let p = if sender { &slip.sender } else { &slip.receiver };
    let (n, b, a) = if sender {
        (
            SlipField::SenderName,
            SlipField::SenderBank,
            SlipField::SenderAccount,
        )
    } else {
        (
            SlipField::ReceiverName,
            SlipField::ReceiverBank,
            SlipField::ReceiverAccount,
        )
    };
    let has = [
        (n, p.name.is_some()),
        (b, p.bank.is_some()),
        (a, p.account.is_some() || p.proxy.is_some()),
    ];
    for (f, present) in has {
        if present {
            slip.evidence.insert(
                f,
                Evidence {
                    source: FieldSource::Provider,
                    confidence: None,
                },
            );
        }
    }
}

// ---------------------------------------------------------------- client

/// The one input of a request: EasySlip takes exactly one.
#[derive(Clone, PartialEq, Eq)]
pub enum SlipInput {
    /// multipart `image`.
    Image { bytes: Vec<u8>, file_name: String },
    /// JSON `base64` (the image, encoded here).
    Base64(Vec<u8>),
    /// JSON `url`: http(s), 1–255 characters.
    Url(String),
    /// JSON `payload`: the QR text, 1–128 characters.
    Payload(String),
}

impl std::fmt::Debug for SlipInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SlipInput::Image { bytes, file_name } => {
                write!(f, "Image({file_name:?}, {} bytes)", bytes.len())
            }
            SlipInput::Base64(b) => write!(f, "Base64({} bytes)", b.len()),
            SlipInput::Url(u) => write!(f, "Url({u:?})"),
            SlipInput::Payload(p) => write!(f, "Payload({} chars)", p.chars().count()),
        }
    }
}

/// The optional checks of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    /// 1–255 characters.
    pub remark: Option<String>,
    pub match_account: Option<bool>,
    pub match_amount: Option<Decimal>,
    pub check_duplicate: Option<bool>,
}

#[derive(Serialize)]
struct JsonRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    remark: Option<&'a str>,
    #[serde(rename = "matchAccount", skip_serializing_if = "Option::is_none")]
    match_account: Option<bool>,
    /// A JSON number written from the decimal's text, not through f64.
    #[serde(rename = "matchAmount", skip_serializing_if = "Option::is_none")]
    match_amount: Option<Box<RawValue>>,
    #[serde(rename = "checkDuplicate", skip_serializing_if = "Option::is_none")]
    check_duplicate: Option<bool>,
}

/// An EasySlip client; cheap to share behind an `Arc`.
pub struct EasySlipClient {
    endpoint: Endpoint,
    key: Secret,
    url: String,
    config: EasySlipConfig,
}

impl std::fmt::Debug for EasySlipClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EasySlipClient")
            .field("url", &self.url)
            .field("key", &self.key)
            .finish()
    }
}

impl EasySlipClient {
    /// Reads the key from the environment variable the config names.
    pub fn from_config(config: &EasySlipConfig) -> Result<EasySlipClient, OcrError> {
        EasySlipClient::with_credentials(config, &Credentials::Environment)
    }

    pub fn with_credentials(
        config: &EasySlipConfig,
        credentials: &Credentials,
    ) -> Result<EasySlipClient, OcrError> {
        let key = credentials.key(config.api_key_file.as_deref(), &config.api_key_env, P)?;
        EasySlipClient::new(config, key)
    }

    pub fn new(config: &EasySlipConfig, key: Secret) -> Result<EasySlipClient, OcrError> {
        let endpoint = Endpoint::new(P, &config.limits, vec![key.expose().to_string()])?;
        Ok(EasySlipClient {
            endpoint,
            key,
            url: format!("{}/verify/bank", config.base_url.trim_end_matches('/')),
            config: config.clone(),
        })
    }

    /// The same client, its calls stopped and paced with every other
    /// client of `session` (one run).
    pub fn in_session(mut self, session: &crate::OcrSession) -> EasySlipClient {
        self.endpoint = self.endpoint.in_session(session);
        self
    }

    /// HTTP requests sent so far, retries included.
    pub fn requests(&self) -> u64 {
        self.endpoint.requests()
    }

    /// Reads a slip image the way the config says (multipart or base64),
    /// with the config's duplicate and account checks.
    pub async fn read_image(&self, bytes: &[u8], file_name: &str) -> Result<Slip, OcrError> {
        let input = match self.config.upload {
            EasySlipUpload::Image => SlipInput::Image {
                bytes: bytes.to_vec(),
                file_name: file_name.to_string(),
            },
            EasySlipUpload::Base64 => SlipInput::Base64(bytes.to_vec()),
        };
        let opts = VerifyOptions {
            check_duplicate: self.config.check_duplicate.then_some(true),
            match_account: self.config.match_account.then_some(true),
            ..VerifyOptions::default()
        };
        self.verify(&input, &opts, file_name).await.map(|v| v.slip)
    }

    /// One `POST /verify/bank`. Inputs outside the documented limits are
    /// refused here, before they cost a request.
    pub async fn verify(
        &self,
        input: &SlipInput,
        opts: &VerifyOptions,
        file: &str,
    ) -> Result<Verification, OcrError> {
        check_input(input, opts, self.config.allow_private_urls)?;
        let secrets = self.endpoint.secrets();
        self.endpoint
            .call(
                file,
                |client| self.request(client, input, opts),
                |a: &Answer| {
                    interpret(&Body {
                        provider: P,
                        status: Some(a.status),
                        content_type: a.content_type.as_deref(),
                        bytes: &a.body,
                        secrets: &secrets,
                    })
                    .map(|mut v| {
                        v.slip = with_raw(v.slip, &a.body, &secrets);
                        v
                    })
                },
            )
            .await
    }

    fn request(
        &self,
        client: &reqwest::Client,
        input: &SlipInput,
        opts: &VerifyOptions,
    ) -> reqwest::RequestBuilder {
        let rb = client.post(&self.url).bearer_auth(self.key.expose());
        match input {
            SlipInput::Image { bytes, file_name } => {
                let mime = image_format(bytes).map_or("application/octet-stream", |f| f.mime());
                let part = reqwest::multipart::Part::bytes(bytes.clone())
                    .file_name(file_name.clone())
                    .mime_str(mime)
                    .unwrap_or_else(|_| {
                        reqwest::multipart::Part::bytes(bytes.clone()).file_name(file_name.clone())
                    });
                let mut form = reqwest::multipart::Form::new().part("image", part);
                if let Some(r) = &opts.remark {
                    form = form.text("remark", r.clone());
                }
                if let Some(b) = opts.match_account {
                    form = form.text("matchAccount", b.to_string());
                }
                if let Some(a) = opts.match_amount {
                    form = form.text("matchAmount", a.to_string());
                }
                if let Some(b) = opts.check_duplicate {
                    form = form.text("checkDuplicate", b.to_string());
                }
                rb.multipart(form)
            }
            _ => {
                let body = JsonRequest {
                    payload: match input {
                        SlipInput::Payload(p) => Some(p),
                        _ => None,
                    },
                    base64: match input {
                        SlipInput::Base64(b) => {
                            Some(base64::engine::general_purpose::STANDARD.encode(b))
                        }
                        _ => None,
                    },
                    url: match input {
                        SlipInput::Url(u) => Some(u),
                        _ => None,
                    },
                    remark: opts.remark.as_deref(),
                    match_account: opts.match_account,
                    match_amount: opts
                        .match_amount
                        .and_then(|a| RawValue::from_string(a.to_string()).ok()),
                    check_duplicate: opts.check_duplicate,
                };
                rb.json(&body)
            }
        }
    }
}

fn check_input(
    input: &SlipInput,
    opts: &VerifyOptions,
    allow_private_urls: bool,
) -> Result<(), OcrError> {
    let refuse = |message: String| OcrError::Validation {
        provider: P,
        status: 0,
        code: "VALIDATION_ERROR".into(),
        message: format!("{message} (checked before sending)"),
    };
    let len_ok = |s: &str, max: usize| (1..=max).contains(&s.chars().count());
    match input {
        SlipInput::Payload(p) if !len_ok(p, 128) => {
            return Err(refuse("payload must be 1-128 characters".into()));
        }
        SlipInput::Url(u) if !len_ok(u, 255) => {
            return Err(refuse("url must be 1-255 characters".into()));
        }
        SlipInput::Url(u) if !(u.starts_with("http://") || u.starts_with("https://")) => {
            return Err(refuse("url must be http or https".into()));
        }
        SlipInput::Url(u) if !allow_private_urls => {
            if let Some(host) = private_host(u) {
                return Err(refuse(format!(
                    "url points at a private or loopback address ({host}), which EasySlip does not fetch; set allow_private_urls = true in [ocr.easyslip] for a self-hosted service"
                )));
            }
        }
        SlipInput::Image { bytes, .. } | SlipInput::Base64(bytes) if bytes.is_empty() => {
            return Err(refuse("image is empty".into()));
        }
        SlipInput::Image { bytes, .. } | SlipInput::Base64(bytes)
            if bytes.len() > 4 * 1024 * 1024 =>
        {
            return Err(refuse(format!(
                "image is {} bytes, more than 4 MB",
                bytes.len()
            )));
        }
        _ => {}
    }
    if let Some(r) = &opts.remark
        && !len_ok(r, 255)
    {
        return Err(refuse("remark must be 1-255 characters".into()));
    }
    Ok(())
}

/// The host of `url` when it is a name or address no public service
/// should be asked to fetch from: loopback, private (RFC 1918, unique
/// local), link-local (cloud metadata), shared (CGNAT), unspecified or
/// broadcast; also `localhost` names. The URL is parsed the way browsers
/// do, so `2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are all seen as
/// 127.0.0.1. An unparsable URL is left for EasySlip to refuse.
fn private_host(url: &str) -> Option<String> {
    use std::net::{IpAddr, Ipv4Addr};
    let parsed = reqwest::Url::parse(url).ok()?;
    let v4_private = |ip: Ipv4Addr| {
        let [a, b, ..] = ip.octets();
        ip.is_private()
            || ip.is_loopback()
            || ip.is_link_local()
            || ip.is_unspecified()
            || ip.is_broadcast()
            || a == 0
            || (a == 100 && (64..128).contains(&b))
    };
    let host = parsed.host_str()?;
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    let private = match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => v4_private(ip),
        Ok(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => v4_private(v4),
            None => {
                let first = ip.segments()[0];
                ip.is_loopback()
                    || ip.is_unspecified()
                    || (first & 0xfe00) == 0xfc00
                    || (first & 0xffc0) == 0xfe80
            }
        },
        Err(_) => {
            let d = bare.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    };
    private.then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_hosts_are_recognised_in_every_spelling() {
        for url in [
            "http://127.0.0.1/a.jpg",
            "http://localhost:8080/a.jpg",
            "http://LOCALHOST./a.jpg",
            "http://app.localhost/a.jpg",
            "http://10.1.2.3/a.jpg",
            "http://172.16.0.5/a.jpg",
            "http://192.168.1.1/a.jpg",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/a.jpg",
            "http://0.0.0.0/a.jpg",
            "http://2130706433/a.jpg",
            "http://0x7f.1/a.jpg",
            "http://user:pw@127.0.0.1/a.jpg",
            "http://[::1]/a.jpg",
            "http://[fd00::1]/a.jpg",
            "http://[fe80::1]/a.jpg",
            "http://[::ffff:127.0.0.1]/a.jpg",
        ] {
            assert!(private_host(url).is_some(), "{url}");
        }
        for url in [
            "https://slips.example.com/a.jpg",
            "http://8.8.8.8/a.jpg",
            "http://172.32.0.1/a.jpg",
            "http://[2001:db8::1]/a.jpg",
            "http://localhost.example.com/a.jpg",
        ] {
            assert_eq!(private_host(url), None, "{url}");
        }
        let o = VerifyOptions::default();
        let private = SlipInput::Url("http://10.0.0.1/a.jpg".into());
        assert!(check_input(&private, &o, false).is_err());
        assert!(check_input(&private, &o, true).is_ok());
    }

    #[test]
    fn inputs_outside_the_documented_limits_are_refused_before_sending() {
        let o = VerifyOptions::default();
        assert!(check_input(&SlipInput::Payload(String::new()), &o, false).is_err());
        assert!(check_input(&SlipInput::Payload("0".repeat(129)), &o, false).is_err());
        assert!(check_input(&SlipInput::Payload("0".repeat(128)), &o, false).is_ok());
        assert!(check_input(&SlipInput::Url("ftp://x/y.jpg".into()), &o, false).is_err());
        let long_remark = VerifyOptions {
            remark: Some("r".repeat(256)),
            ..o.clone()
        };
        assert!(check_input(&SlipInput::Payload("00".into()), &long_remark, false).is_err());
    }

    #[test]
    fn unknown_codes_keep_their_code() {
        let e = error_for(
            Some(409),
            &ErrorBody {
                code: "BRANCH_DISABLED".into(),
                message: "m".into(),
            },
        );
        assert!(
            matches!(e, OcrError::Provider { status: 409, ref code, .. } if code == "BRANCH_DISABLED")
        );
        let q = error_for(
            None,
            &ErrorBody {
                code: "QUOTA_EXCEEDED".into(),
                message: Text::default(),
            },
        );
        assert!(matches!(q, OcrError::QuotaExceeded { status: 403, .. }));
    }
}
