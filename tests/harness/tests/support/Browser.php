<?php

namespace HarnessTests\Support;

/** A cookie-keeping HTTP client that reposts the CSRF token of the last page it saw. */
final class Browser
{
    private \CurlHandle $curl;
    private string $token = '';

    public function __construct(private string $baseUrl)
    {
        $this->curl = curl_init();
        curl_setopt_array($this->curl, [
            CURLOPT_COOKIEFILE => '',
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_TIMEOUT => 30,
        ]);
    }

    public function get(string $path): Response
    {
        return $this->request($path, null);
    }

    /** Posts $fields plus the last seen token unless $fields has its own `token` (or $withToken is false). */
    public function post(string $path, array $fields, bool $withToken = true): Response
    {
        if ($withToken && !array_key_exists('token', $fields)) {
            $fields['token'] = $this->token;
        }
        return $this->request($path, http_build_query($fields));
    }

    public function loginAdmin(string $username, string $password): Response
    {
        $this->get('/admin/login.php');
        return $this->post('/admin/login.php', ['username' => $username, 'password' => $password]);
    }

    public function loginClient(string $email, string $password): Response
    {
        $this->get('/login.php');
        return $this->post('/login.php', ['username' => $email, 'password' => $password]);
    }

    private function request(string $path, ?string $postBody): Response
    {
        $location = null;
        curl_setopt_array($this->curl, [
            CURLOPT_URL => $this->baseUrl . $path,
            CURLOPT_POST => $postBody !== null,
            CURLOPT_HTTPGET => $postBody === null,
            CURLOPT_HEADERFUNCTION => static function ($curl, string $header) use (&$location): int {
                if (stripos($header, 'Location:') === 0) {
                    $location = trim(substr($header, 9));
                }
                return strlen($header);
            },
        ]);
        if ($postBody !== null) {
            curl_setopt($this->curl, CURLOPT_POSTFIELDS, $postBody);
        }
        $body = curl_exec($this->curl);
        if ($body === false) {
            throw new \RuntimeException(curl_error($this->curl));
        }
        if (preg_match('/name="token" value="([0-9a-f]+)"/', $body, $m)) {
            $this->token = $m[1];
        }
        return new Response((int) curl_getinfo($this->curl, CURLINFO_RESPONSE_CODE), $body, $location);
    }
}
