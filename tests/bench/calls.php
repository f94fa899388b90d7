<?php
/** Per-call overhead of the PHP -> Rust boundary, against a PHP builtin. */

$n = 1_000_000;
$measure = static function (callable $body) use ($n): float {
    $best = INF;
    for ($round = 0; $round < 3; $round++) {
        $t = hrtime(true);
        $body($n);
        $best = min($best, (hrtime(true) - $t) / $n);
    }
    return $best;
};
$empty = $measure(static function (int $n) { for ($i = 0; $i < $n; $i++) { } });
$builtin = $measure(static function (int $n) { for ($i = 0; $i < $n; $i++) { abs($i); } }) - $empty;
$version = $measure(static function (int $n) { for ($i = 0; $i < $n; $i++) { ipmanager_version(); } }) - $empty;
printf("%-46s %8.1f ns/call\n", 'builtin abs()', $builtin);
printf("%-46s %8.1f ns/call\n", 'ipmanager_version() (boundary, string result)', $version);
