<?php
/**
 * CSRF tokens (whmcs-reference.md section 5, "CSRF"). generate_token()/check_token() are used by
 * third-party addons but not documented, so the harness keeps them simple: one random token per
 * session, shared by every namespace, and check_token() returns a bool and leaves the reaction to
 * the caller. The admin pages and client login forms of the harness enforce it themselves.
 */

/** The session's token; themes print it as {$token} and <input name="token">. */
function harness_csrf_token(): string
{
    if (empty($_SESSION['harness_csrf_token'])) {
        $_SESSION['harness_csrf_token'] = bin2hex(random_bytes(20));
    }
    return $_SESSION['harness_csrf_token'];
}

/**
 * 'plain' → the raw token, 'link' → "&token=…" for query strings, anything else ('form', the
 * default) → a hidden input element.
 */
function generate_token($type = 'form'): string
{
    $token = harness_csrf_token();
    if ($type === 'plain') {
        return $token;
    }
    if ($type === 'link') {
        return '&token=' . $token;
    }
    return '<input type="hidden" name="token" value="' . htmlspecialchars($token, ENT_QUOTES) . '" />';
}

/** Compares $token (default: the request's "token" field) with the session token. */
function check_token($namespace = 'WHMCS.default', $token = null): bool
{
    $token = $token ?? ($_REQUEST['token'] ?? '');
    $expected = $_SESSION['harness_csrf_token'] ?? '';
    return is_string($token) && $expected !== '' && hash_equals($expected, $token);
}
