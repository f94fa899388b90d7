{* What an import (a file, or a pasted list when $paste is set) would do; nothing is written until the admin confirms. *}
<h3>{$_lang.import_preview_title|escape}</h3>
<p class="text-muted">{$_lang.import_nothing_written|escape}</p>
{if isset($paste)}
    <p><strong>{$_lang.subnet|escape}:</strong> {$data.subnet|escape}</p>
    <p><strong>{$_lang.paste_adds|escape}:</strong> <span id="ipmanager-import-create-addresses">{$data.addresses|count}</span></p>
    {if $data.addresses}<pre style="max-height:200px;overflow:auto" id="ipmanager-paste-list">{foreach $data.addresses as $address}{$address|escape}
{/foreach}</pre>{/if}
{else}
    <p><strong>{$_lang.import_file|escape}:</strong> {$name|escape} &middot; <strong>{$_lang.import_read_as|escape}:</strong> {$data.source|escape}</p>
    <table class="table table-condensed" id="ipmanager-import-create" style="max-width:420px">
        <caption>{$_lang.import_creates|escape}</caption>
        <tr><th>{$_lang.tab_subnets|escape}</th><td data-count="subnets">{$data.create.subnets|escape}</td></tr>
        <tr><th>{$_lang.tab_pools|escape}</th><td data-count="pools">{$data.create.pools|escape}</td></tr>
        <tr><th>{$_lang.addresses|escape}</th><td data-count="addresses">{$data.create.addresses|escape}</td></tr>
        <tr><th>{$_lang.configurations|escape}</th><td data-count="configurations">{$data.create.configurations|escape}</td></tr>
    </table>
    {if $data.new_subnets}
        <h4>{$_lang.import_new_subnets|escape}</h4>
        <ul id="ipmanager-import-new-subnets">{foreach $data.new_subnets as $subnet}<li>{$subnet|escape}</li>{/foreach}</ul>
    {/if}
    {if $data.existing}
        <h4>{$_lang.import_existing|escape}</h4>
        <ul id="ipmanager-import-existing">{foreach $data.existing as $line}<li>{$line|escape}</li>{/foreach}</ul>
    {/if}
{/if}
{if $data.problems}
    <h4>{$_lang.problems|escape}</h4>
    <table class="table table-condensed table-striped" id="ipmanager-import-problems">
        <thead><tr><th>{$_lang.line|escape}</th><th>{$_lang.where|escape}</th><th>{$_lang.status|escape}</th><th>{$_lang.reason|escape}</th></tr></thead>
        <tbody>
        {foreach $data.problems as $problem}
            <tr class="{if $problem.kind == 'error'}danger{else}warning{/if}" data-kind="{$problem.kind|escape}">
                <td>{$problem.line|default:''|escape}</td>
                <td><code>{$problem.path|default:''|escape}</code></td>
                <td>{if $problem.kind == 'error'}{$_lang.problem_error|escape}{else}{$_lang.problem_skippable|escape}{/if}</td>
                <td>{$problem.message|escape}</td>
            </tr>
        {/foreach}
        </tbody>
    </table>
{/if}
{if $data.errors}
    <div class="alert alert-danger" id="ipmanager-import-refused">{$_lang.import_has_errors|escape}</div>
    <a class="btn btn-default" href="{$modulelink}&amp;action=import">{$_lang.cancel|escape}</a>
{else}
    <form method="post" action="{$modulelink}&amp;action={if isset($paste)}paste{else}import_run{/if}" id="ipmanager-import-confirm">
        <input type="hidden" name="token" value="{$csrfToken|escape}">
        {if isset($paste)}
            <input type="hidden" name="subnet_id" value="{$paste.subnet_id|escape}">
            <textarea name="addresses" hidden>{$paste.addresses|escape}</textarea>
        {else}
            <input type="hidden" name="upload" value="{$upload|escape}">
            <input type="hidden" name="source" value="{$source|escape}">
        {/if}
        {if $data.skippable}
            <div class="radio"><label><input type="radio" name="on_problem" value="skip" checked> {$_lang.import_skip|escape}</label></div>
            <div class="radio"><label><input type="radio" name="on_problem" value="stop"> {$_lang.import_stop|escape}</label></div>
        {/if}
        <button class="btn btn-primary" id="ipmanager-import-run">{$_lang.import_confirm|escape}</button>
        <a class="btn btn-default" href="{$modulelink}&amp;action=import">{$_lang.cancel|escape}</a>
    </form>
{/if}
