<?php

namespace HarnessTests;

use PHPUnit\Framework\TestCase;

/** encrypt()/decrypt() and the CSRF helpers: whmcs-reference.md section 5. */
final class CryptoAndCsrfTest extends TestCase
{
    public function testEncryptRoundTripsAndIsNotDeterministic(): void
    {
        $secret = "pässwörd with spaces & symbols <>\n";
        $first = encrypt($secret);
        $second = encrypt($secret);

        $this->assertNotSame($first, $second);
        $this->assertStringNotContainsString('pässwörd', $first);
        $this->assertSame($secret, decrypt($first));
        $this->assertSame($secret, decrypt($second));
        $this->assertSame('', decrypt(encrypt('')));
    }

    public function testDecryptRejectsForeignInput(): void
    {
        $this->assertSame('', decrypt('not base64 at all!'));
        $this->assertSame('', decrypt(base64_encode('short')));

        $cipherText = encrypt('secret');
        $key = $GLOBALS['cc_encryption_hash'];
        $GLOBALS['cc_encryption_hash'] = 'another installation';
        try {
            $this->assertNotSame('secret', decrypt($cipherText));
        } finally {
            $GLOBALS['cc_encryption_hash'] = $key;
        }
    }

    public function testTokenIsStablePerSessionAndChecked(): void
    {
        $_SESSION = [];
        $token = generate_token('plain');

        $this->assertMatchesRegularExpression('/^[0-9a-f]{40}$/', $token);
        $this->assertSame($token, harness_csrf_token());
        $this->assertSame('&token=' . $token, generate_token('link'));
        $this->assertSame('<input type="hidden" name="token" value="' . $token . '" />', generate_token());

        $this->assertTrue(check_token('WHMCS.default', $token));
        $this->assertFalse(check_token('WHMCS.default', $token . 'x'));
        $this->assertFalse(check_token('WHMCS.default', ''));

        $_REQUEST = ['token' => $token];
        $this->assertTrue(check_token());
        $_REQUEST = [];
        $this->assertFalse(check_token());
    }

    public function testNewSessionGetsANewToken(): void
    {
        $_SESSION = [];
        $first = generate_token('plain');
        $_SESSION = [];

        $this->assertNotSame($first, generate_token('plain'));
        $this->assertFalse(check_token('WHMCS.default', $first));
    }
}
