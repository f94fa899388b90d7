<?php

namespace IpManager\Tests;

/** A tiny HTTP client with a cookie jar, for driving harness pages. */
final class Browser
{
    private string $base;
    private array $cookies = [];
    public int $status = 0;
    public array $headers = [];
    /** The path of the last page, after redirects. */
    public string $path = '';

    public function __construct(string $base)
    {
        $this->base = $base;
    }

    public function get(string $path): string
    {
        return $this->request('GET', $path);
    }

    public function post(string $path, array $form): string
    {
        return $this->request('POST', $path, http_build_query($form));
    }

    /**
     * A multipart form post, as a browser sends a file upload: $files maps
     * the field name to [file name, content].
     */
    public function upload(string $path, array $form, array $files): string
    {
        $boundary = '----ipmanager' . bin2hex(random_bytes(8));
        $body = '';
        foreach ($form as $name => $value) {
            $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"\r\n\r\n$value\r\n";
        }
        foreach ($files as $name => [$fileName, $content]) {
            $body .= "--$boundary\r\nContent-Disposition: form-data; name=\"$name\"; filename=\"$fileName\"\r\n"
                . "Content-Type: application/octet-stream\r\n\r\n$content\r\n";
        }
        return $this->request('POST', $path, $body . "--$boundary--\r\n", 5, "multipart/form-data; boundary=$boundary");
    }

    /** The CSRF token printed in a page's forms. */
    public static function token(string $html): string
    {
        if (!preg_match('/name="token" value="([^"]+)"/', $html, $m)) {
            throw new \RuntimeException("no CSRF token in page:\n" . substr($html, 0, 2000));
        }
        return html_entity_decode($m[1]);
    }

    /** The harness admin login form; on success it redirects away from login.php. */
    public function loginAdmin(string $username = 'admin', string $password = 'admin'): void
    {
        $page = $this->get('/admin/login.php');
        $this->post('/admin/login.php', ['username' => $username, 'password' => $password, 'token' => self::token($page)]);
        $this->mustHaveLeft('/admin/login.php', $username);
    }

    public function loginClient(string $email, string $password): void
    {
        $page = $this->get('/login.php');
        $this->post('/login.php', ['username' => $email, 'password' => $password, 'token' => self::token($page)]);
        $this->mustHaveLeft('/login.php', $email);
    }

    /** The session cookie (name => value) the server set, to share it with another client. */
    public function cookies(): array
    {
        return $this->cookies;
    }

    private function mustHaveLeft(string $loginPath, string $who): void
    {
        if ($this->status !== 200 || parse_url($this->path, PHP_URL_PATH) === $loginPath) {
            throw new \RuntimeException("login as $who failed: HTTP {$this->status} at {$this->path}");
        }
    }

    private function request(string $method, string $path, ?string $body = null, int $redirects = 5, string $type = 'application/x-www-form-urlencoded'): string
    {
        $headers = ['Cookie: ' . implode('; ', array_map(fn ($k, $v) => "$k=$v", array_keys($this->cookies), $this->cookies))];
        if ($body !== null) {
            $headers[] = 'Content-Type: ' . $type;
        }
        $context = stream_context_create(['http' => [
            'method' => $method, 'header' => implode("\r\n", $headers), 'content' => $body ?? '',
            'ignore_errors' => true, 'follow_location' => 0, 'timeout' => 30,
        ]]);
        $html = (string) file_get_contents($this->base . $path, false, $context);
        $this->path = $path;
        $this->headers = $http_response_header ?? [];
        $this->status = (int) (explode(' ', $this->headers[0] ?? 'HTTP/1.1 0')[1] ?? 0);
        $location = null;
        foreach ($this->headers as $header) {
            if (preg_match('/^Set-Cookie:\s*([^=]+)=([^;]*)/i', $header, $m)) {
                $this->cookies[$m[1]] = $m[2];
            }
            if (preg_match('/^Location:\s*(.+)$/i', $header, $m)) {
                $location = trim($m[1]);
            }
        }
        if ($location !== null && $redirects > 0) {
            $location = preg_replace('#^https?://[^/]+#', '', $location);
            if ($location[0] !== '/') {
                $location = rtrim(dirname(parse_url($path, PHP_URL_PATH)), '/') . '/' . $location;
            }
            return $this->request('GET', $location, null, $redirects - 1);
        }
        return $html;
    }
}
