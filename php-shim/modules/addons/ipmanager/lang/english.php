<?php
$_ADDONLANG['module_name'] = 'IP Manager';
$_ADDONLANG['tab_dashboard'] = 'Dashboard';
$_ADDONLANG['dashboard_subnets'] = 'IP Subnets';
$_ADDONLANG['dashboard_pools'] = 'IP Pools';
$_ADDONLANG['dashboard_assigned'] = 'Assigned IPs';
$_ADDONLANG['dashboard_free'] = 'Free IPs';
$_ADDONLANG['dashboard_free_hint'] = 'Counted for subnets saved with "Store free IPs".';
$_ADDONLANG['quick_links'] = 'Quick links';
$_ADDONLANG['problem_title'] = 'IP Manager cannot run';
$_ADDONLANG['problem_help'] = 'WHMCS itself keeps working; only the IP Manager pages and hooks are paused until this is fixed.';
$_ADDONLANG['csrf_failed'] = 'Your session token has expired or is invalid. Reload the page and try again.';
$_ADDONLANG['error_generic'] = 'The action could not be completed:';
