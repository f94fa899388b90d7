<div class="alert alert-danger" role="alert" id="ipmanager-problem">
    <h4><i class="fa fa-exclamation-triangle"></i> {$_lang.problem_title|escape}</h4>
    <p class="ipmanager-problem-message">{$message|escape}</p>
    <p class="small">{$_lang.problem_help|escape}</p>
</div>
