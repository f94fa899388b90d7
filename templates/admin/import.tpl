{* Import: upload a file for a preview, or paste a server's address list into a subnet. *}
<h3>{$_lang.tab_import|escape}</h3>
<p class="text-muted">{$_lang.import_intro|escape}</p>
<form method="post" action="{$modulelink}&amp;action=import_preview" enctype="multipart/form-data" class="form-horizontal" id="ipmanager-import-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="form-group">
        <label class="col-sm-2 control-label" for="ipm-import-file">{$_lang.import_file|escape}</label>
        <div class="col-sm-6">
            <input type="file" id="ipm-import-file" name="file" required>
            <span class="help-block">{$_lang.import_limit|escape} {$data.max_size|escape}.</span>
        </div>
    </div>
    <div class="form-group">
        <label class="col-sm-2 control-label" for="ipm-import-source">{$_lang.import_format|escape}</label>
        <div class="col-sm-4">
            <select class="form-control" id="ipm-import-source" name="source">
                <option value="auto">{$_lang.import_auto|escape}</option>
                <option value="csv">CSV</option>
                <option value="xml">XML</option>
                <option value="json">JSON</option>
                <option value="netbox_prefixes">{$_lang.import_netbox_prefixes|escape}</option>
                <option value="netbox_addresses">{$_lang.import_netbox_addresses|escape}</option>
                <option value="phpipam">{$_lang.import_phpipam|escape}</option>
            </select>
        </div>
    </div>
    <div class="form-group"><div class="col-sm-offset-2 col-sm-6"><button class="btn btn-primary" id="ipmanager-import-preview">{$_lang.preview|escape}</button></div></div>
</form>

<h3>{$_lang.paste_title|escape}</h3>
<p class="text-muted">{$_lang.paste_help|escape}</p>
<form method="post" action="{$modulelink}&amp;action=paste_preview" class="form-horizontal" id="ipmanager-paste-form">
    <input type="hidden" name="token" value="{$csrfToken|escape}">
    <div class="form-group">
        <label class="col-sm-2 control-label" for="ipm-paste-subnet">{$_lang.subnet|escape}</label>
        <div class="col-sm-6">
            <select class="form-control" id="ipm-paste-subnet" name="subnet_id" required>
                {foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}">{$subnet[1]|escape}</option>{/foreach}
            </select>
        </div>
    </div>
    <div class="form-group">
        <label class="col-sm-2 control-label" for="ipm-paste-addresses">{$_lang.paste_addresses|escape}</label>
        <div class="col-sm-6"><textarea class="form-control" id="ipm-paste-addresses" name="addresses" rows="6" placeholder="79.133.56.20&#10;79.133.56.21" required></textarea></div>
    </div>
    <div class="form-group"><div class="col-sm-offset-2 col-sm-6"><button class="btn btn-primary" id="ipmanager-paste-preview"{if !$data.subnets} disabled{/if}>{$_lang.preview|escape}</button></div></div>
</form>
