{* Six (Bootstrap 3) layout, reduced to what addon pages meet: head assets, navbar,
   breadcrumb, sidebars, page title. Values handed over by modules (pagetitle, breadcrumb and
   sidebar labels, hook HTML) are printed as-is, as WHMCS themes do: modules escape their data. *}
<!DOCTYPE html>
<html lang="en">
<head>
    <meta charset="{$charset|escape}">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>{if $pagetitle}{$pagetitle} - {/if}{$companyname|escape}</title>
    <link href="{$WEB_ROOT}/assets/vendor/bootstrap3/css/bootstrap.min.css" rel="stylesheet">
    <link href="{$WEB_ROOT}/assets/vendor/font-awesome/css/font-awesome.min.css" rel="stylesheet">
    <script src="{$WEB_ROOT}/assets/vendor/jquery/jquery.min.js"></script>
    <script src="{$WEB_ROOT}/assets/vendor/bootstrap3/js/bootstrap.min.js"></script>
    <script>var csrfToken = '{$token|escape:'javascript'}';</script>
    {$headoutput}
</head>
<body data-theme="{$template|escape}">
<section id="header">
    <nav class="navbar navbar-inverse navbar-static-top">
        <div class="container">
            <a class="navbar-brand" href="{$WEB_ROOT}/index.php">{$companyname|escape}</a>
            <ul class="nav navbar-nav navbar-right">
                {if $loggedin}
                    <li><p class="navbar-text">{lang key='hello'}, {$client.firstname|escape}</p></li>
                    <li><a href="{$WEB_ROOT}/logout.php">{lang key='logouttitle'}</a></li>
                {else}
                    <li><a href="{$WEB_ROOT}/login.php">{lang key='login'}</a></li>
                {/if}
            </ul>
        </div>
    </nav>
</section>
<section id="main-body">
    <div class="container">
        <ol class="breadcrumb">
            {foreach $breadcrumb as $item}
                <li{if $item@last} class="active"{/if}>{if $item@last}{$item.label}{else}<a href="{$item.link|escape}">{$item.label}</a>{/if}</li>
            {/foreach}
        </ol>
        <div class="row">
            {if $primarySidebar->hasChildren() || $secondarySidebar->hasChildren()}
                <div class="col-md-3 pull-md-left sidebar">
                    {include file="$template/includes/sidebar.tpl" sidebar=$primarySidebar}
                    {include file="$template/includes/sidebar.tpl" sidebar=$secondarySidebar}
                </div>
                <div class="col-md-9 pull-md-right main-content">
            {else}
                <div class="col-xs-12 main-content">
            {/if}
            {if $pagetitle}<div class="header-lined"><h1>{$pagetitle}</h1></div>{/if}
