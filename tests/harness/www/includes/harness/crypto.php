<?php
/**
 * encrypt()/decrypt() used for tblhosting.password and tblservers.password (whmcs-reference.md
 * section 5). WHMCS's cipher is not documented; what addons rely on is reproduced: the key comes
 * from $cc_encryption_hash, output is printable text, and the same input encrypts differently
 * every time (api-reference/encryptpassword.md), so stored ciphertext is never compared.
 */

const HARNESS_CIPHER = 'aes-256-cbc';

function harness_encryption_key(): string
{
    return hash('sha256', (string) ($GLOBALS['cc_encryption_hash'] ?? ''), true);
}

/** Returns base64(IV . AES-256-CBC ciphertext) with a random IV. */
function encrypt($string): string
{
    $iv = random_bytes(openssl_cipher_iv_length(HARNESS_CIPHER));
    $cipherText = openssl_encrypt((string) $string, HARNESS_CIPHER, harness_encryption_key(), OPENSSL_RAW_DATA, $iv);
    return base64_encode($iv . $cipherText);
}

/** Returns the plain text, or '' for anything that is not a ciphertext made with this key. */
function decrypt($string): string
{
    $ivLength = openssl_cipher_iv_length(HARNESS_CIPHER);
    $raw = base64_decode((string) $string, true);
    if ($raw === false || strlen($raw) <= $ivLength) {
        return '';
    }
    $plain = openssl_decrypt(substr($raw, $ivLength), HARNESS_CIPHER, harness_encryption_key(), OPENSSL_RAW_DATA, substr($raw, 0, $ivLength));
    return $plain === false ? '' : $plain;
}
