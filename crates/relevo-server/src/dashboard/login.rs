//! The login and logout pages: the form with its double-submit CSRF cookie, password checks
//! behind the login throttle (`relevo_app::accounts::login_gate`), sessions and their cookies.

use super::*;

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub name: String,
    pub password: String,
    pub csrf: String,
}

fn cookie_header(st: &AppState, name: &str, value: &str, max_age_s: i64) -> HeaderValue {
    let secure = if st.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_s}; HttpOnly; SameSite=Strict{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("invalid=1"))
}

pub(super) async fn login_page(
    State(st): State<AppState>,
    Query(q): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (lang, remember) = lang_of(&q, &headers);
    let csrf = relevo_app::accounts::random_hex()?;
    let message = match q.error.as_deref() {
        Some("rate") => Some(lang.t("too_many")),
        Some(_) => Some(lang.t("bad_login")),
        None => None,
    };
    let mut body = format!("<h1>{}</h1>", lang.t("login_title"));
    if let Some(m) = message {
        let _ = write!(body, "<p class=\"error\" role=\"alert\">{}</p>", esc(m));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/login\" class=\"login\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <p><label>{}<input name=\"name\" id=\"name\" autocomplete=\"username\" required autofocus></label></p>\
         <p><label>{}<input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label></p>\
         <p><button class=\"primary\" type=\"submit\">{}</button></p></form>",
        lang.t("user"),
        lang.t("password"),
        lang.t("login")
    );
    let mut r = html_response(
        StatusCode::OK,
        remember,
        page(
            &Frame {
                lang,
                title: lang.t("login"),
                path: "/login",
                query: &[],
                caller: None,
            },
            &body,
        ),
    );
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&st, LOGIN_CSRF_COOKIE, &csrf, 3600),
    );
    Ok(r)
}

pub(super) async fn login_submit(
    State(st): State<AppState>,
    req: Request,
) -> Result<Response, ApiError> {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let client = auth::client_ip(peer, req.headers(), &st.config().trusted_proxies)
        .map_or_else(|| "unknown".to_string(), |a| a.to_string());
    let headers = req.headers().clone();
    let axum::Form(form) = axum::Form::<LoginForm>::from_request(req, &st).await?;
    let sent = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if sent.is_empty() || !auth::constant_time_eq(sent.as_bytes(), form.csrf.as_bytes()) {
        return Err(ApiError::Forbidden(
            "the login form expired or came from another site: reload the login page".into(),
        ));
    }
    let now = st.now_ms();
    let cfg = st.config().clone();
    let outcome = st
        .blocking(move |st| {
            use relevo_app::accounts::{
                LoginGate, login_failed, login_gate, login_refused, login_succeeded,
            };
            let gate = st.read(|s| Ok(login_gate(s, &form.name, &client, now, &cfg.login)?))?;
            if let LoginGate::Throttled(_) = gate {
                st.write(|w| Ok(login_refused(&*w, &client, now, gate)?))?;
                return Ok(Err("rate"));
            }
            let found = st.read(|s| Ok(s.user_for_login(&form.name)?))?;
            let ok = found
                .as_ref()
                .is_some_and(|(_, hash)| auth::verify_password(&form.password, hash));
            let user = match (ok, found) {
                (true, Some((u, _))) => u,
                _ => {
                    // Check a password even for unknown names, so timing does not tell them apart.
                    if !ok {
                        let _ = auth::verify_password(&form.password, DUMMY_HASH);
                    }
                    st.write(|w| Ok(login_failed(&*w, &form.name, &client, now)?))?;
                    st.metrics()
                        .login_failures
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    return Ok(Err("bad"));
                }
            };
            let sid = relevo_app::accounts::random_hex()?;
            let csrf = relevo_app::accounts::random_hex()?;
            st.write(|w| {
                w.create_session(&sid, user.id, &csrf, now, now + cfg.session_ttl_ms)?;
                login_succeeded(&*w, &form.name, &client)?;
                w.audit(now, &format!("user:{}", user.name), "login", None, None)?;
                Ok(())
            })?;
            Ok(Ok(sid))
        })
        .await?;
    match outcome {
        Ok(sid) => {
            let mut r = Redirect::to("/overview").into_response();
            let ttl_s = st.config().session_ttl_ms / 1000;
            r.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&st, SESSION_COOKIE, &sid, ttl_s),
            );
            r.headers_mut().append(
                header::SET_COOKIE,
                cookie_header(&st, LOGIN_CSRF_COOKIE, "", 0),
            );
            Ok(r)
        }
        Err(kind) => {
            let mut r = Redirect::to(&format!("/login?error={kind}")).into_response();
            if kind == "rate" {
                *r.status_mut() = StatusCode::SEE_OTHER;
            }
            Ok(r)
        }
    }
}

/// A valid Argon2id hash of a random password (for constant-time failures on unknown names).
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=8,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$q0YBl4zb2ZbpXYR0HGtUVYAzHSA8lBeZZnyU8rlWi6Y";

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    pub csrf: String,
}

pub(super) async fn logout(
    State(st): State<AppState>,
    headers: HeaderMap,
    form: Result<axum::Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, ApiError> {
    let axum::Form(form) = form?;
    let h = headers.clone();
    let caller = st.blocking(move |st| auth::resolve(st, &h)).await?;
    if let (Some(c), Some(sid)) = (caller, auth::cookie(&headers, SESSION_COOKIE)) {
        let Via::Session { csrf } = &c.via else {
            return Err(ApiError::bad("not a session"));
        };
        if !auth::constant_time_eq(csrf.as_bytes(), form.csrf.as_bytes()) {
            return Err(ApiError::Forbidden("the logout form is stale".into()));
        }
        let sid = sid.to_string();
        let now = st.now_ms();
        st.blocking(move |st| {
            st.write(|w| {
                w.delete_session(&sid)?;
                w.audit(now, &c.principal.actor, "logout", None, None)?;
                Ok(())
            })
        })
        .await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        cookie_header(&st, SESSION_COOKIE, "", 0),
    );
    Ok(r)
}
