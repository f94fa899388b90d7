{* Part 2: pool or subnet, products and servers (shared by the create and edit pages). *}
{$selection = $data.selection}
<div class="form-group{if isset($errors.pool_id) || isset($errors.subnet_id)} has-error{/if}">
    <label class="col-sm-3 control-label" for="ipm-conf-pool">{$_lang.pool|escape}</label>
    <div class="col-sm-3">
        <select class="form-control" id="ipm-conf-pool" name="pool_id">
            <option value="0">—</option>
            {foreach $data.pools as $pool}<option value="{$pool[0]|escape}"{if $selection.pool_id|default:0 == $pool[0]} selected{/if}>{$pool[1]|escape}</option>{/foreach}
        </select>
    </div>
    <div class="col-sm-3">
        <select class="form-control" id="ipm-conf-subnet" name="subnet_id" aria-label="{$_lang.or_subnet|escape}">
            <option value="0">{$_lang.or_subnet|escape}</option>
            {foreach $data.subnets as $subnet}<option value="{$subnet[0]|escape}"{if $selection.subnet_id|default:0 == $subnet[0]} selected{/if}>{$subnet[1]|escape}</option>{/foreach}
        </select>
    </div>
    <div class="col-sm-offset-3 col-sm-6">{include file="admin/field_error.tpl" field="pool_id"}{include file="admin/field_error.tpl" field="subnet_id"}</div>
</div>
<div class="form-group">
    <label class="col-sm-3 control-label">{$_lang.products|escape}</label>
    <div class="col-sm-6" id="ipm-conf-products">
        {foreach $data.products as $product}
            <div class="checkbox"><label><input type="checkbox" name="products[]" value="{$product[0]|escape}"{if in_array($product[0], $selection.products|default:[])} checked{/if}> {$product[1]|escape}</label></div>
        {/foreach}
    </div>
</div>
<div class="form-group">
    <label class="col-sm-3 control-label">{$_lang.servers|escape}</label>
    <div class="col-sm-6" id="ipm-conf-servers">
        {foreach $data.servers as $server}
            <div class="checkbox"><label><input type="checkbox" name="servers[]" value="{$server[0]|escape}"{if in_array($server[0], $selection.servers|default:[])} checked{/if}> {$server[1]|escape}</label></div>
        {/foreach}
        <span class="help-block">{$_lang.servers_help|escape}</span>
    </div>
</div>
