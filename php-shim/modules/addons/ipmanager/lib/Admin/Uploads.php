<?php
/**
 * Import files between the preview and the confirmation. An upload is moved
 * to a private directory under a random name; the confirmation refers to it
 * by that name only, and only in the session that uploaded it, so no path
 * ever comes from the browser. Files are deleted once imported, and any left
 * behind by an abandoned preview after a day.
 */

namespace WHMCS\Module\Addon\Ipmanager\Admin;

final class Uploads
{
    private const SESSION = 'ipmanager_uploads';
    private const ABANDONED_AFTER = 86400;

    /**
     * Keeps an uploaded file ($_FILES entry) and returns its token. Throws
     * UploadRejected naming the language key of the reason.
     */
    public static function keep($file, int $maxBytes): string
    {
        if (!is_array($file) || ($file['error'] ?? UPLOAD_ERR_NO_FILE) === UPLOAD_ERR_NO_FILE) {
            throw new UploadRejected('upload_missing');
        }
        $error = (int) $file['error'];
        if ($error === UPLOAD_ERR_INI_SIZE || $error === UPLOAD_ERR_FORM_SIZE || (int) $file['size'] > $maxBytes) {
            throw new UploadRejected('upload_too_large');
        }
        if ($error !== UPLOAD_ERR_OK || !is_uploaded_file((string) $file['tmp_name'])) {
            throw new UploadRejected('upload_failed');
        }
        self::forgetAbandoned();
        $token = bin2hex(random_bytes(16));
        if (!move_uploaded_file((string) $file['tmp_name'], self::file($token))) {
            throw new UploadRejected('upload_failed');
        }
        $_SESSION[self::SESSION][$token] = time();
        return $token;
    }

    /** The kept file of a token this session received, or null. */
    public static function path(string $token): ?string
    {
        if (!preg_match('/^[0-9a-f]{32}$/', $token) || !isset($_SESSION[self::SESSION][$token])) {
            return null;
        }
        $path = self::file($token);
        return is_file($path) ? $path : null;
    }

    public static function discard(string $token): void
    {
        $path = self::path($token);
        if ($path !== null) {
            unlink($path);
        }
        unset($_SESSION[self::SESSION][$token]);
    }

    private static function file(string $token): string
    {
        return self::directory() . '/' . $token . '.upload';
    }

    /** A directory only the web server's user can read. */
    private static function directory(): string
    {
        $directory = sys_get_temp_dir() . '/ipmanager-imports';
        if (!is_dir($directory) && !mkdir($directory, 0700, true) && !is_dir($directory)) {
            throw new UploadRejected('upload_failed');
        }
        return $directory;
    }

    private static function forgetAbandoned(): void
    {
        foreach (glob(self::directory() . '/*.upload') ?: [] as $path) {
            if (filemtime($path) < time() - self::ABANDONED_AFTER) {
                @unlink($path);
            }
        }
    }
}

/** An upload refused before the extension sees it; `reason` is a language key. */
final class UploadRejected extends \RuntimeException
{
    public string $reason;

    public function __construct(string $reason)
    {
        parent::__construct($reason);
        $this->reason = $reason;
    }
}
