{* Twenty-One (Bootstrap 4) layout, reduced to what addon pages meet: head assets, navbar,
   breadcrumb, sidebars, page title. Values handed over by modules (pagetitle, breadcrumb and
   sidebar labels, hook HTML) are printed as-is, as WHMCS themes do: modules escape their data. *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset|escape}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{if $pagetitle}{$pagetitle} - {/if}{$companyname|escape}</title>
    <link href="{$WEB_ROOT}/assets/vendor/bootstrap4/css/bootstrap.min.css" rel="stylesheet">
    <link href="{$WEB_ROOT}/assets/vendor/font-awesome/css/font-awesome.min.css" rel="stylesheet">
    <script src="{$WEB_ROOT}/assets/vendor/jquery/jquery.min.js"></script>
    <script src="{$WEB_ROOT}/assets/vendor/bootstrap4/js/bootstrap.bundle.min.js"></script>
    <script>var csrfToken = '{$token|escape:'javascript'}';</script>
    {$headoutput}
</head>
<body class="primary-bg-color" data-theme="{$template|escape}">
<header id="header" class="header">
    <nav class="navbar navbar-expand navbar-dark bg-dark">
        <div class="container">
            <a class="navbar-brand" href="{$WEB_ROOT}/index.php">{$companyname|escape}</a>
            <ul class="navbar-nav ml-auto">
                {if $loggedin}
                    <li class="nav-item"><span class="navbar-text mr-3">{lang key='hello'}, {$client.firstname|escape}</span></li>
                    <li class="nav-item"><a class="nav-link" href="{$WEB_ROOT}/logout.php">{lang key='logouttitle'}</a></li>
                {else}
                    <li class="nav-item"><a class="nav-link" href="{$WEB_ROOT}/login.php">{lang key='login'}</a></li>
                {/if}
            </ul>
        </div>
    </nav>
</header>
<section id="main-body">
    <div class="container">
        <nav aria-label="breadcrumb">
            <ol class="breadcrumb">
                {foreach $breadcrumb as $item}
                    <li class="breadcrumb-item{if $item@last} active{/if}">{if $item@last}{$item.label}{else}<a href="{$item.link|escape}">{$item.label}</a>{/if}</li>
                {/foreach}
            </ol>
        </nav>
        <div class="row">
            {if $primarySidebar->hasChildren() || $secondarySidebar->hasChildren()}
                <div class="col-lg-4 col-xl-3">
                    <div class="sidebar">{include file="$template/includes/sidebar.tpl" sidebar=$primarySidebar}</div>
                    <div class="sidebar sidebar-secondary">{include file="$template/includes/sidebar.tpl" sidebar=$secondarySidebar}</div>
                </div>
                <div class="col-lg-8 col-xl-9 primary-content">
            {else}
                <div class="col-12 primary-content">
            {/if}
            {if $pagetitle}<div class="header-lined"><h1>{$pagetitle}</h1></div>{/if}
