/// The report's only script: sorting tables by a header click and filtering the predictions browser. Every page
/// reads completely without it; it adds no content and fetches nothing.
enum ReportScript {
    static let source = """
    (function(){
    function key(td){var v=td.getAttribute('data-sort')||'';var n=Number(v);return v!==''&&!isNaN(n)?{n:n}:{s:v.toLowerCase()};}
    document.querySelectorAll('table.sortable').forEach(function(table){
      var heads=table.querySelectorAll('thead th');
      heads.forEach(function(th,col){
        th.tabIndex=0;
        function sort(){
          var asc=th.getAttribute('aria-sort')!=='ascending';
          heads.forEach(function(h){h.removeAttribute('aria-sort');});
          th.setAttribute('aria-sort',asc?'ascending':'descending');
          var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
          rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
            var c=('n' in x&&'n' in y)?x.n-y.n:('n' in x?-1:('n' in y?1:(x.s<y.s?-1:x.s>y.s?1:0)));return asc?c:-c;});
          rows.forEach(function(r){body.appendChild(r);});
        }
        th.addEventListener('click',sort);
        th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sort();}});
      });
    });
    var box=document.getElementById('prediction-filters');
    if(box){
      var examples=Array.prototype.slice.call(document.querySelectorAll('.example'));
      function apply(){
        var shown=[];box.querySelectorAll('input[data-method]').forEach(function(i){if(i.checked)shown.push(i.getAttribute('data-method'));});
        var disagree=document.getElementById('only-disagree').checked;
        var failedBy=document.getElementById('failed-by').value;
        var q=document.getElementById('search').value.toLowerCase();
        var count=0;
        examples.forEach(function(ex){
          ex.querySelectorAll('tr[data-method]').forEach(function(tr){tr.hidden=shown.indexOf(tr.getAttribute('data-method'))<0;});
          var failed=(ex.getAttribute('data-failed')||'').split(' ');
          var ok=(!disagree||ex.getAttribute('data-disagree')==='1')
            &&(failedBy===''||(failedBy==='*'?failed.some(function(m){return m!==''&&shown.indexOf(m)>=0;}):failed.indexOf(failedBy)>=0))
            &&(q===''||ex.textContent.toLowerCase().indexOf(q)>=0);
          ex.hidden=!ok;if(ok)count++;
        });
        document.getElementById('shown-count').textContent=count+' of '+examples.length+' examples shown';
      }
      box.addEventListener('input',apply);box.addEventListener('change',apply);box.hidden=false;apply();
    }
    })();
    """
}
