<?php
/**
 * Exporting 1,000,000 addresses (one in ten assigned) in each format,
 * streamed through PHP's output layer as a download is. Targets: under 10 s,
 * and the process's memory (peak resident set) grows by less than 64 MB.
 */

require __DIR__ . '/lib.php';

use IpManager\Tests\Database;

const ADDRESSES = 1000000;

/** The resident set now, and its peak so far, in bytes (Linux /proc). */
function bench_rss(): array
{
    preg_match('/VmRSS:\s+(\d+)/', file_get_contents('/proc/self/status'), $now);
    preg_match('/VmHWM:\s+(\d+)/', file_get_contents('/proc/self/status'), $peak);
    return [(int) $now[1] * 1024, (int) $peak[1] * 1024];
}

$name = bench_database('export');
$pdo = Database::connect($name);
$subnet = ipmanager_subnet_save(['admin_id' => 1], ['name' => 'big', 'cidr' => '10.0.0.0/12'])['id'];
// 10.0.0.0 is 167772160; rows are written by the server itself so the set-up takes seconds.
$pdo->exec("INSERT INTO mod_ipmanager_ip_addresses (subnet_id, pool_id, ip, ip_bin, prefix_length, version, status)
            SELECT $subnet, 0, INET_NTOA(167772160 + seq), UNHEX(LPAD(HEX(167772160 + seq), 8, '0')), 32, 4,
                   IF(seq % 10 = 0, 'assigned', 'free')
            FROM seq_0_to_" . (ADDRESSES - 1));
$pdo->exec("INSERT INTO tblhosting (id, domain) SELECT seq, CONCAT('s', seq, '.example') FROM seq_1_to_100000");
$pdo->exec("INSERT INTO mod_ipmanager_assignments (ip_address_id, service_id, client_id, type, source)
            SELECT id, 1 + id % 100000, 1, 'primary', 'bench' FROM mod_ipmanager_ip_addresses WHERE status = 'assigned'");

foreach (['csv', 'json', 'xml'] as $format) {
    $bytes = 0;
    // A download's output layer: each chunk is counted and passed on (here, dropped).
    ob_start(static function (string $chunk) use (&$bytes): string {
        $bytes += strlen($chunk);
        return '';
    }, 65536);
    // Resets the peak resident set to the current one, so the peak below is this export's.
    file_put_contents('/proc/self/clear_refs', '5');
    [$rssBefore] = bench_rss();
    $started = hrtime(true);
    $counts = ipmanager_export(['admin_id' => 1], ['format' => $format, 'addresses' => 'on']);
    $seconds = (hrtime(true) - $started) / 1e9;
    ob_end_flush();
    [, $peak] = bench_rss();
    $growth = max(0, $peak - $rssBefore) / 1048576;
    printf("export %s, %s addresses (%.0f MB): %.2f s (target < 10 s: %s); peak RSS +%.1f MB (target < 64 MB: %s); PHP heap peak %.1f MB\n",
        strtoupper($format), number_format($counts['addresses']), $bytes / 1e6, $seconds, bench_verdict($seconds < 10),
        $growth, bench_verdict($growth < 64), memory_get_peak_usage() / 1048576);
}
