{* Export: the download is a POST so that it carries the CSRF token; the response is the file. *}
<h3>{$_lang.tab_export|escape}</h3>
<p class="text-muted">{$_lang.export_intro|escape}</p>
<table class="table table-condensed" id="ipmanager-export-counts" style="max-width:420px">
    <caption>{$_lang.export_holds|escape}</caption>
    <tr><th>{$_lang.tab_subnets|escape}</th><td data-count="subnets">{$data.subnets|escape}</td></tr>
    <tr><th>{$_lang.tab_pools|escape}</th><td data-count="pools">{$data.pools|escape}</td></tr>
    <tr><th>{$_lang.addresses|escape}</th><td data-count="addresses">{$data.addresses|escape}</td></tr>
    <tr><th>{$_lang.configurations|escape}</th><td data-count="configurations">{$data.configurations|escape}</td></tr>
</table>
<form method="post" action="{$modulelink}&amp;action=export_download" id="ipmanager-export-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="checkbox"><label><input type="checkbox" name="addresses" value="on"> {$_lang.export_addresses|escape}</label></div>
    <div class="checkbox"><label><input type="checkbox" name="configurations" value="on"> {$_lang.export_configurations|escape}</label></div>
    <button class="btn btn-primary" name="format" value="csv" id="ipmanager-export-csv"><i class="fa fa-download"></i> {$_lang.download_csv|escape}</button>
    <button class="btn btn-primary" name="format" value="xml" id="ipmanager-export-xml"><i class="fa fa-download"></i> {$_lang.download_xml|escape}</button>
    <button class="btn btn-primary" name="format" value="json" id="ipmanager-export-json"><i class="fa fa-download"></i> {$_lang.download_json|escape}</button>
</form>
