<?php
/** Argument parsing shared by the harness command-line tools. */

/**
 * Splits argv into options (--name=value, or --flag => true) and positional arguments.
 * @return array{0: array<string, string|true>, 1: list<string>}
 */
function harness_cli_args(array $argv): array
{
    $options = [];
    $positional = [];
    foreach (array_slice($argv, 1) as $arg) {
        if (preg_match('/^--([a-z0-9-]+)(?:=(.*))?$/s', $arg, $m)) {
            $options[$m[1]] = $m[2] ?? true;
        } else {
            $positional[] = $arg;
        }
    }
    return [$options, $positional];
}

function harness_cli_fail(string $message): void
{
    fwrite(STDERR, $message . "\n");
    exit(1);
}

/** The --root option, checked to be a harness root; returns its absolute path. */
function harness_cli_root(array $options): string
{
    $root = is_string($options['root'] ?? null) ? realpath($options['root']) : false;
    if ($root === false || !is_file($root . '/init.php')) {
        harness_cli_fail('--root=DIR must name a harness root (created with bin/new-root.sh)');
    }
    return $root;
}
